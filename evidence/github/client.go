package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"
)

// client wraps go-github with mdrgate's rate-limit policy: wait for a primary
// reset or a secondary Retry-After while the run's waiting budget lasts, then
// give up with a reason the report can show.
type client struct {
	gh    *gh.Client
	base  *url.URL
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	// budget is how long the run may still wait for rate limits, of maxWait.
	budget, maxWait time.Duration
	// blockedUntil is when the API may be called again after a rate limit.
	blockedUntil time.Time
	blockedKind  string
	// requests counts the requests sent, for the tests and the debug log.
	requests int
}

// apiError is a request that did not succeed, with the reason for the report.
type apiError struct {
	// Status is the HTTP status, 0 when the request did not get an answer.
	Status int
	// Message is GitHub's message ("Branch not protected", "Not Found").
	Message string
	reason  string
}

func (e *apiError) Error() string { return e.reason }

// maxAttempts bounds the retries of one request after rate limits.
const maxAttempts = 3

// get reads one resource (path relative to the API base, or an absolute URL on
// the same host as the base) into v and returns the response for its Link header.
func (c *client) get(ctx context.Context, path string, v any) (*gh.Response, error) {
	resp, err := c.getOnce(ctx, path, v)
	if ae, ok := err.(*apiError); ok {
		// Reasons name the resource relative to the API, also for next-page URLs.
		ae.reason = strings.Replace(ae.reason, c.base.String(), "", 1)
	}
	return resp, err
}

func (c *client) getOnce(ctx context.Context, path string, v any) (*gh.Response, error) {
	for attempt := 1; ; attempt++ {
		if err := c.waitBlocked(ctx, path); err != nil {
			return nil, err
		}
		req, err := c.gh.NewRequest(ctx, http.MethodGet, path, nil)
		if err != nil {
			return nil, &apiError{reason: fmt.Sprintf("GET %s: %v", path, err)}
		}
		c.requests++
		resp, err := c.gh.Do(req, v)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var (
			rl  *gh.RateLimitError
			ab  *gh.AbuseRateLimitError
			er  *gh.ErrorResponse
			now = c.now()
		)
		switch {
		case errors.As(err, &rl):
			c.block(rl.Rate.Reset.Time, "primary rate limit (x-ratelimit-remaining: 0)")
		case errors.As(err, &ab):
			c.block(c.secondaryUntil(ab.Response, now), "secondary rate limit")
		case errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == http.StatusForbidden || er.Response.StatusCode == http.StatusTooManyRequests) && er.Response.Header.Get("Retry-After") != "":
			// A secondary limit whose documentation URL go-github does not recognise.
			c.block(c.secondaryUntil(er.Response, now), "secondary rate limit")
		default:
			return resp, c.describe(path, err)
		}
		if attempt >= maxAttempts {
			return nil, &apiError{Status: http.StatusForbidden, reason: fmt.Sprintf("GET %s: GitHub API %s still in force after %d attempts", path, c.blockedKind, attempt)}
		}
	}
}

// secondaryUntil is when a secondary rate limit ends: Retry-After seconds, else
// x-ratelimit-reset, else a minute, as GitHub documents.
func (c *client) secondaryUntil(resp *http.Response, now time.Time) time.Time {
	if resp != nil {
		if s, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("Retry-After")), 10, 64); err == nil && s >= 0 {
			return now.Add(time.Duration(s) * time.Second)
		}
		if s, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("X-RateLimit-Reset")), 10, 64); err == nil {
			return time.Unix(s, 0)
		}
	}
	return now.Add(time.Minute)
}

func (c *client) block(until time.Time, kind string) {
	if until.After(c.blockedUntil) {
		c.blockedUntil = until
	}
	c.blockedKind = kind
}

// waitBlocked waits out a rate limit when the budget allows, else fails with
// the time the limit resets.
func (c *client) waitBlocked(ctx context.Context, path string) error {
	if c.blockedUntil.IsZero() {
		return nil
	}
	wait := c.blockedUntil.Sub(c.now())
	if wait <= 0 {
		c.blockedUntil = time.Time{}
		return nil
	}
	if wait > c.budget {
		return &apiError{Status: http.StatusForbidden, reason: fmt.Sprintf("GET %s: GitHub API %s until %s; mdrgate waits at most %s per run",
			path, c.blockedKind, c.blockedUntil.UTC().Format(time.RFC3339), c.maxWait)}
	}
	if err := c.sleep(ctx, wait); err != nil {
		return err
	}
	c.budget -= wait
	c.blockedUntil = time.Time{}
	return nil
}

// describe turns a failed request into the reason an area is not available.
func (c *client) describe(path string, err error) error {
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return &apiError{reason: fmt.Sprintf("GET %s: %v", path, err)}
	}
	status := er.Response.StatusCode
	msg := er.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	r := fmt.Sprintf("GET %s: %d %s", path, status, msg)
	h := er.Response.Header
	var needs []string
	if p := h.Get("X-Accepted-GitHub-Permissions"); p != "" {
		needs = append(needs, "the permission "+p)
	}
	if s := h.Get("X-Accepted-OAuth-Scopes"); s != "" {
		needs = append(needs, "the OAuth scope "+s)
	}
	switch {
	case len(needs) > 0:
		r += "; the token needs " + strings.Join(needs, " or ")
	case status == http.StatusUnauthorized:
		r += "; the token is missing, expired or revoked"
	case status == http.StatusNotFound:
		r += "; not found, or not visible to the token"
	}
	return &apiError{Status: status, Message: er.Message, reason: r}
}

// list reads every page of a list resource, following the Link header's next
// URL, up to maxItems items; truncated is true when there were more. decode
// adds one page's items and returns how many it added.
func (c *client) list(ctx context.Context, path string, maxItems int, page func() any, add func(any) int) (truncated bool, err error) {
	n := 0
	next := path
	for next != "" {
		v := page()
		resp, err := c.get(ctx, next, v)
		if err != nil {
			return false, err
		}
		n += add(v)
		next = c.nextLink(resp)
		if n >= maxItems && next != "" {
			return true, nil
		}
	}
	return false, nil
}

// nextLink returns the rel="next" URL of a response, when it is on the API's host.
func (c *client) nextLink(resp *gh.Response) string {
	if resp == nil || resp.Response == nil {
		return ""
	}
	for _, link := range strings.Split(resp.Header.Get("Link"), ",") {
		parts := strings.Split(link, ";")
		if len(parts) < 2 {
			continue
		}
		u := strings.Trim(strings.TrimSpace(parts[0]), "<>")
		for _, p := range parts[1:] {
			if strings.TrimSpace(p) == `rel="next"` {
				pu, err := url.Parse(u)
				// Never send the token to another host than the API's.
				if err != nil || pu.Host != c.base.Host || pu.Scheme != c.base.Scheme {
					return ""
				}
				return pu.String()
			}
		}
	}
	return ""
}
