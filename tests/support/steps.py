"""Reader actions on the evaluator page, shared by the promise checks."""

from __future__ import annotations

FORM = "#cr-form"
INITIAL_SUMMARY = "The result appears here once the scoring engine has started."


def fill_text_fields(page, text: str) -> int:
    """Type `text` into every visible, editable text field of the evaluator (notes included)."""
    page.eval_on_selector_all(f"{FORM} details", "els => els.forEach(e => { e.open = true; })")
    fields = page.locator("#crossroads-evaluator input[type=text]:not([readonly]):visible, #crossroads-evaluator textarea:visible")
    count = fields.count()
    for i in range(count):
        fields.nth(i).fill(f"{text} {i}")
    return count


def answer_questions(page, passes: int = 6, riskiest: bool = True) -> int:
    """Answer every visible question by clicking option labels, as a reader would.

    Single choice: the last option (the riskiest for drivers) or the first.
    Multiple choice: one option that is not 'none of these'. Questions that
    appear after an answer are answered in the next pass.
    """
    answered: set[str] = set()
    for _ in range(passes):
        progress = False
        questions = page.locator(f"{FORM} fieldset.cr-question:visible")
        for i in range(questions.count()):
            question = questions.nth(i)
            qid = question.get_attribute("data-question")
            if qid in answered:
                continue
            options = question.locator("input[type=radio], input[type=checkbox]:not([data-exclusive])")
            if options.count() == 0:
                continue
            target = options.nth(options.count() - 1 if riskiest else 0)
            page.locator(f"label[for='{target.get_attribute('id')}']").click()
            answered.add(qid)
            progress = True
        if not progress:
            break
    return len(answered)


def wait_for_result(page, timeout: float = 30_000) -> str:
    """Wait until the results panel shows a result; return the summary text."""
    page.wait_for_selector("#cr-results-body:not([hidden])", state="visible", timeout=timeout)
    page.wait_for_function(
        "initial => { const s = document.querySelector('#cr-summary'); return s && s.textContent.trim() && s.textContent.trim() !== initial; }",
        arg=INITIAL_SUMMARY, timeout=timeout)
    return page.inner_text("#cr-summary")


SETTLE = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve())))
  .then(() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null))))"""


def settle(page) -> None:
    """Wait until the page has painted twice and its transitions have finished
    (events that follow a change, such as colour transitions, or security
    policy reports, have then been dispatched)."""
    page.evaluate(SETTLE)
