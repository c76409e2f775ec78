package collect

import (
	"strings"
	"time"

	"github.com/mdrgate/mdrgate/evidence"
)

// EventFromCI maps a GitHub Actions run to the event mdrgate evaluates for:
// pull_request for pull requests and merge queues, release for release events
// and tag pushes, schedule for scheduled runs. Other runs (branch pushes, manual
// and API-triggered runs) return "", so the configuration's event, or the
// default, decides; so does everything outside GitHub Actions.
func EventFromCI(getenv func(string) string) string {
	if getenv("GITHUB_ACTIONS") != "true" {
		return ""
	}
	switch name := getenv("GITHUB_EVENT_NAME"); {
	case name == "pull_request", name == "pull_request_target", name == "merge_group":
		return "pull_request"
	case name == "release":
		return "release"
	case name == "push" && strings.HasPrefix(getenv("GITHUB_REF"), "refs/tags/"):
		return "release"
	case name == "schedule":
		return "schedule"
	}
	return ""
}

// Context records where and when evidence was collected, from the CI environment.
func Context(event string, now time.Time, getenv func(string) string) evidence.Context {
	c := evidence.Context{Event: event, Time: now.UTC().Truncate(time.Second)}
	if getenv("GITHUB_ACTIONS") == "true" {
		c.CI = true
		c.Repository = getenv("GITHUB_REPOSITORY")
		c.Ref = getenv("GITHUB_REF")
		c.Commit = getenv("GITHUB_SHA")
		c.Actor = getenv("GITHUB_ACTOR")
		if server, repo, run := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"); server != "" && repo != "" && run != "" {
			c.RunURL = server + "/" + repo + "/actions/runs/" + run
		}
	} else if getenv("CI") == "true" {
		c.CI = true
	}
	return c
}
