"""The colour design system: every text/background pair the stylesheets declare is readable.

No browser: the test parses static/css/*.css, resolves the tokens of civic.css's ``:root`` and
computes WCAG 2.1 contrast ratios. The contract the stylesheets follow (see the top of civic.css):

- every button, badge, tag or alert variant sets ``--<component>-fg`` and ``--<component>-bg``
  (and ``-fg-hover`` / ``-bg-hover``) in the same rule. Because both properties are declared by the
  same rules, whichever rule wins the cascade for one wins it for the other: no combination of classes
  can show one variant's text on another's background (the old "Hide" button was the small button's
  dark green text on the danger button's dark red);
- a rule on such a component sets ``color`` / ``background`` only from those tokens;
- every declared pair, and every rule that sets both ``color`` and ``background``, reaches 4.5:1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CSS_DIR = Path(settings.BASE_DIR) / "static" / "css"
MIN_CONTRAST = 4.5
COMPONENT = re.compile(r"\.(button|badge|message|notice|tag|cf-stage|moderation-note)(-[\w-]+)?(?![\w-])")
PAIR = re.compile(r"^--(?P<name>[\w-]+?)-(?P<side>fg|bg)(?P<state>-[\w-]+)?$")
NAMED = {"white": "#ffffff", "black": "#000000"}


@dataclass
class Rule:
    source: str
    selector: str
    declarations: dict[str, str]


def parse_css(text: str, source: str) -> list[Rule]:
    """Rules in source order, with those inside @media/@supports flattened in place."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules: list[Rule] = []
    pos = 0
    while True:
        start = text.find("{", pos)
        if start < 0:
            return rules
        prelude = text[pos:start].strip()
        depth, end = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[start + 1 : end - 1]
        if prelude.startswith(("@media", "@supports")):
            rules.extend(parse_css(body, source))
        elif not prelude.startswith("@"):
            declarations = {}
            for part in body.split(";"):
                if ":" in part:
                    prop, value = part.split(":", 1)
                    declarations[prop.strip()] = value.strip()
            rules.append(Rule(source, " ".join(prelude.split()), declarations))
        pos = end


def load_rules(overrides: dict[str, str] | None = None) -> list[Rule]:
    """civic.css first (it is loaded first on every page), then the apps' sheets."""
    files = sorted(CSS_DIR.glob("*.css"), key=lambda p: (p.name != "civic.css", p.name))
    texts = {p.name: p.read_text() for p in files}
    texts.update(overrides or {})
    return [rule for name, text in texts.items() for rule in parse_css(text, name)]


def root_tokens(rules: list[Rule]) -> dict[str, str]:
    return {
        k: v for r in rules if r.selector == ":root" for k, v in r.declarations.items() if k.startswith("--")
    }


def resolve(value: str, scope: dict[str, str], depth: int = 0) -> str | None:
    """The value with every var() replaced, or None when a token is missing."""
    if depth > 10:
        return None
    match = re.search(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)", value)
    if not match:
        return value.strip()
    name, fallback = match.groups()
    inner = scope.get(name, fallback)
    if inner is None:
        return None
    inner = resolve(inner, scope, depth + 1)
    if inner is None:
        return None
    return resolve(value[: match.start()] + inner + value[match.end() :], scope, depth + 1)


def parse_colour(value: str | None) -> tuple[float, float, float] | None:
    if not value:
        return None
    value = NAMED.get(value.lower(), value.lower())
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))
    match = re.fullmatch(r"rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*(?:[,/]\s*(1|1\.0+))?\s*\)", value)
    if match:
        return tuple(int(match.group(i)) / 255 for i in (1, 2, 3))
    return None  # transparent, inherit, currentColor, translucent: not a surface of its own


def contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    """WCAG 2.1 contrast ratio (relative luminance of linearised sRGB)."""

    def luminance(rgb):
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check(rules: list[Rule]) -> tuple[list[str], list[tuple[str, str, float]]]:
    """(problems, checked pairs as (selector, pair name, ratio))."""
    tokens = root_tokens(rules)
    problems: list[str] = []
    checked: list[tuple[str, str, float]] = []
    for rule in rules:
        where = f"{rule.source}: {rule.selector}"
        scope = {**tokens, **{k: v for k, v in rule.declarations.items() if k.startswith("--")}}
        pairs: dict[tuple[str, str], dict[str, str]] = {}
        for prop, value in rule.declarations.items():
            match = PAIR.match(prop)
            if match:
                pairs.setdefault((match["name"], match["state"] or ""), {})[match["side"]] = value
        if "color" in rule.declarations and ({"background", "background-color"} & rule.declarations.keys()):
            bg = rule.declarations.get("background-color", rule.declarations.get("background"))
            fg, bg = (
                parse_colour(resolve(rule.declarations["color"], scope)),
                parse_colour(resolve(bg, scope)),
            )
            if fg and bg:
                pairs.setdefault(("color/background", ""), {}).update({"fg": "", "bg": ""})
                pairs[("color/background", "")]["resolved"] = (fg, bg)
        for (name, state), sides in pairs.items():
            label = f"{name}{state}"
            if set(sides) - {"resolved"} != {"fg", "bg"}:
                missing = "background" if "bg" not in sides else "text"
                problems.append(
                    f"{where} sets --{name}-{next(iter(sides))}{state} without its {missing} colour"
                )
                continue
            if "resolved" in sides:
                fg, bg = sides["resolved"]
            else:
                fg, bg = (parse_colour(resolve(sides[s], scope)) for s in ("fg", "bg"))
            if not (fg and bg):
                problems.append(f"{where}: --{label} pair does not resolve to two opaque colours")
                continue
            ratio = contrast(fg, bg)
            checked.append((rule.selector, label, ratio))
            if ratio < MIN_CONTRAST:
                problems.append(f"{where}: {label} contrast {ratio:.2f}:1 is under {MIN_CONTRAST}:1")
        if COMPONENT.search(re.sub(r":not\([^)]*\)", "", rule.selector)):
            for prop in ("color", "background", "background-color"):
                value = rule.declarations.get(prop)
                wanted = "fg" if prop == "color" else "bg"
                if value is not None and not re.fullmatch(rf"var\(--[\w-]+-{wanted}(-[\w-]+)?\)", value):
                    problems.append(f"{where} sets {prop} to {value!r} instead of a --*-{wanted} token")
    return problems, checked


def cascaded_pair(rules: list[Rule], classes: set[str], state: str = "") -> tuple[str | None, str | None]:
    """The text and background colours an element with these classes gets from rules whose selectors are
    plain class lists (".button", ".badge.status-done"), applied by specificity, then source order."""
    tokens = root_tokens(rules)
    matching = []
    for order, rule in enumerate(rules):
        for selector in rule.selector.split(","):
            selector = selector.strip()
            if re.fullmatch(r"(\.[\w-]+)+", selector) and set(selector[1:].split(".")) <= classes:
                matching.append((selector.count("."), order, rule))
    computed: dict[str, str] = {}
    for _specificity, _order, rule in sorted(matching, key=lambda m: (m[0], m[1])):
        computed.update(rule.declarations)
    scope = {**tokens, **{k: v for k, v in computed.items() if k.startswith("--")}}
    colour = computed.get("color")
    background = computed.get("background-color", computed.get("background"))
    if state:
        colour, background = scope.get(f"--button-fg-{state}"), scope.get(f"--button-bg-{state}")
    return (resolve(colour, scope) if colour else None, resolve(background, scope) if background else None)


def test_every_colour_pair_in_the_stylesheets_is_readable():
    problems, checked = check(load_rules())
    assert problems == []
    names = {(selector, label) for selector, label, _ in checked}
    # The check really saw the variants (it would pass vacuously on a sheet it failed to parse).
    assert any(".button-danger" in s and label == "button" for s, label in names)
    assert any(".button-danger" in s and label == "button-hover" for s, label in names)
    assert any(".badge.status-rejected" in s for s, _ in names)
    assert any(".message-error" in s for s, _ in names)
    assert len(checked) >= 20


def test_text_on_the_page_surfaces_is_readable():
    tokens = root_tokens(load_rules())
    for text, surface in [
        ("--ink", "--bg"),
        ("--ink", "--soft"),
        ("--muted", "--bg"),
        ("--muted", "--soft"),
        ("--brand", "--bg"),
        ("--brand", "--soft"),
        ("--brand-ink", "--brand"),
        ("--danger", "--bg"),
    ]:
        ratio = contrast(
            parse_colour(resolve(tokens[text], tokens)), parse_colour(resolve(tokens[surface], tokens))
        )
        assert ratio >= MIN_CONTRAST, f"{text} on {surface}: {ratio:.2f}:1"


def test_the_moderation_hide_button_is_white_on_red():
    """The dashboard's "Hide" and the NCZ progress page's "Reject": button button-small button-danger."""
    rules = load_rules()
    tokens = root_tokens(rules)
    fg, bg = cascaded_pair(rules, {"button", "button-small", "button-danger"})
    assert (fg, bg) == ("#ffffff", tokens["--danger"])
    assert contrast(parse_colour(fg), parse_colour(bg)) >= MIN_CONTRAST
    hover_fg, hover_bg = cascaded_pair(rules, {"button", "button-small", "button-danger"}, state="hover")
    assert (hover_fg, hover_bg) == ("#ffffff", tokens["--danger-strong"])


def test_a_variant_made_unreadable_fails_the_check():
    civic = (CSS_DIR / "civic.css").read_text()
    good = "--button-fg: #ffffff; --button-bg: var(--danger);"
    assert good in civic
    problems, _ = check(
        load_rules(
            {"civic.css": civic.replace(good, "--button-fg: var(--brand); --button-bg: var(--danger);")}
        )
    )
    assert any(".button-danger" in p and "contrast" in p for p in problems), problems


def test_a_variant_that_sets_only_its_background_fails_the_check():
    """The bug this replaces: .button-danger set a background and kept .button-small's text colour."""
    civic = (CSS_DIR / "civic.css").read_text()
    bad = (
        civic + "\n.button-danger { background: var(--danger); }\n.badge-odd { --badge-bg: var(--accent); }\n"
    )
    problems, _ = check(load_rules({"civic.css": bad}))
    assert any(".button-danger sets background" in p for p in problems), problems
    assert any(".badge-odd sets --badge-bg without its text colour" in p for p in problems), problems
