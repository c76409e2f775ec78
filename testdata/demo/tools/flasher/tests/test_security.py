"""Security tests of InfuCore, run against the firmware's host simulator."""

from flasher import package


def test_rejects_unauthenticated_flasher(verifies, simulator):
    verifies("SEC-REQ-001", "THR-001")
    assert simulator.connect(certificate=None).refused


def test_rejects_flasher_with_foreign_certificate(verifies, simulator, foreign_certificate):
    verifies("SEC-REQ-001", "THR-001")
    assert simulator.connect(certificate=foreign_certificate).refused


def test_rejects_image_with_bad_signature(verifies, simulator, tampered_package):
    verifies("SEC-REQ-002", "THR-002")
    assert simulator.install(tampered_package).refused


def test_imagecheck_rejects_bad_signature(verifies, tampered_package, release_key):
    verifies("SEC-REQ-002", "THR-002")
    try:
        package.verify(tampered_package, release_key, installed=(2, 3, 0))
    except package.PackageError:
        return
    raise AssertionError("tampered package accepted")


def test_rejects_older_image(verifies, simulator, old_package):
    verifies("SEC-REQ-003", "THR-002")
    assert simulator.install(old_package).refused


def test_rejects_modified_drug_library(verifies, simulator, modified_library):
    verifies("SEC-REQ-004", "THR-003")
    assert simulator.load_library(modified_library).refused


def test_log_export_has_no_patient_identifiers(verifies, simulator):
    verifies("SEC-REQ-005", "THR-004")
    assert "patient" not in simulator.export_log().lower()


def test_drops_oversized_frames(verifies, simulator):
    verifies("SEC-REQ-006", "THR-005")
    assert simulator.send_raw(bytes([0x01, 0xFF]) + bytes(300)).dropped


def test_infusion_continues_when_comms_task_faults(verifies, simulator):
    verifies("SEC-REQ-007", "THR-005")
    simulator.start_infusion(rate_ul_h=5000)
    simulator.crash_comms_task()
    assert simulator.infusion_rate_ul_h == 5000


def test_service_mode_requires_technician_role(verifies, simulator, nurse_certificate):
    verifies("SEC-REQ-008", "THR-006")
    assert simulator.connect(certificate=nurse_certificate).enter_service().refused


def test_service_mode_refused_while_infusing(verifies, simulator, technician_certificate):
    verifies("SEC-REQ-008", "THR-006")
    simulator.start_infusion(rate_ul_h=5000)
    assert simulator.connect(certificate=technician_certificate).enter_service().refused


def test_config_change_is_audited(verifies, simulator, technician_certificate):
    verifies("SEC-REQ-009", "THR-007")
    simulator.connect(certificate=technician_certificate).set_config("alarm_volume", 3)
    assert simulator.audit_log()[-1].user == "technician-01"
