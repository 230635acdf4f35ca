"""Helpers for browser tests: accessibility audit, screenshots, login."""

from pathlib import Path

import axe_playwright_python

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_RUN = """async () => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations", "incomplete"],
    // No CSSOM preload: it re-parses each stylesheet in a <style> element (a CSP error in the
    // console) and resolves its @import against the page's address (a 404).
    preload: false,
  });
  const why = (n) => {
    const check = n.any[0];
    if (!check || !check.data || !check.data.messageKey) return "";
    const over = (check.relatedNodes || []).map((r) => r.target.join(" ")).join(", ");
    return ` (${check.data.messageKey}${over ? " by " + over : ""})`;
  };
  const brief = (r, nodes) => `${r.id}: ${r.help} — ` + nodes.slice(0, 4).map(
    (n) => n.target.join(" ") + why(n)
  ).join(" | ");
  // Contrast axe could not decide counts as a failure (a button on a gradient, an image or another
  // element), except for glyphs that are not text (nonBmp: an icon character, outside the text-contrast
  // rule) and text scrolled out of sight inside a scroll box (same styles as the visible text).
  const geometric = ["nonBmp", "elmPartiallyObscured", "elmPartiallyObscuring", "outsideViewport"];
  const undecided = results.incomplete.filter((r) => r.id === "color-contrast").map(
    (r) => [r, r.nodes.filter((n) => !n.any.some((c) => c.data && geometric.includes(c.data.messageKey)))]
  ).filter(([r, nodes]) => nodes.length);
  return results.violations.map((r) => brief(r, r.nodes)).concat(
    undecided.map(([r, nodes]) => "incomplete " + brief(r, nodes))
  );
}"""


def axe_problems(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, and the colour contrasts it could not decide."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_RUN)


def assert_accessible(page, name: str | None = None) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail with a readable report. A colour
    contrast axe cannot decide (text over an image, a gradient, another element) fails too: a
    person may not be able to read it either."""
    problems = axe_problems(page)
    if name:
        screenshot(page, name)
    assert problems == [], f"{page.url}\n" + "\n".join(problems)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, email: str, password: str) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")
