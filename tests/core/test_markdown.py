"""Markdown converters are reused between texts (built once per thread): nothing of one text leaks into the next."""

from civic.core.markdown import plain_text, render_markdown
from tests.race import race


def test_an_abbreviation_or_footnote_of_one_text_does_not_reach_the_next():
    first = render_markdown("The HTML page[^1].\n\n*[HTML]: Hyper Text Markup Language\n\n[^1]: A note.")
    second = render_markdown("Plain HTML, no note.")

    assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in first and "A note." in first
    assert second == "<p>Plain HTML, no note.</p>"


def test_the_same_text_renders_the_same_every_time():
    text = "# Title\n\n**Bold** and a [link](https://example.org)."

    assert len({render_markdown(text) for _ in range(3)}) == 1
    assert plain_text(text) == plain_text(text) == "Title Bold and a link."


def test_threads_render_their_own_texts():
    outcome = race(
        lambda n: [plain_text(f"**Text {n}** number {i}") for i in range(50)], [(n,) for n in range(4)]
    )

    assert outcome.errors == []
    assert outcome.results == [[f"Text {n} number {i}" for i in range(50)] for n in range(4)]
