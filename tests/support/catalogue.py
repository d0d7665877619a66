"""The catalogue of bad input, as data: what each suite feeds the product and
the exact message it must answer with. The tests that run these cases import
them from here; tests/promises/test_bad_input_catalogue.py checks that the
catalogue does not shrink and that every case is collected and run.
"""

from __future__ import annotations

# -- broken method data (run by tests/site/test_broken.py) -------------------
# Each case is the mini method (tests/site/fixtures/mini/) with one edit and the
# one `scenarios/<file>.yaml:<line>: <message>` line the build must print.

Q = "questionnaire.questions"
A_CASE = "cases/alpha-school-exchange.yaml"
B_CASE = "cases/beta-port-deal.yaml"

# name, file, text to find (None: replace the whole file), replacement, expected line
BROKEN_METHOD_CASES = [
    ("yaml-syntax", "matrix.yaml", '    name: "Alpha Scenario"\n', '    name: "Alpha Scenario\n',
     "scenarios/matrix.yaml:13: invalid YAML: expected <block end>, but found '<scalar>' (while parsing a block mapping on line 10); check indentation, colons and quotes near this line."),
    ("duplicate-key", "matrix.yaml", '    name: "Alpha Scenario"\n', '    name: "Alpha Scenario"\n    name: "Alpha again"\n',
     "scenarios/matrix.yaml:13: scenarios[0].name: duplicate key 'name' (first on line 12); YAML would silently keep only the last one, so remove one."),
    ("bare-no", "questions.yaml", '{value: "no", label: "No"}', '{value: no, label: "No"}',
     f"scenarios/questions.yaml:80: {Q}[4].options[0].value: bare no is read by YAML as a boolean (false); write \"no\" in quotes if you mean the word, or true/false for a boolean."),
    ("tab-indentation", "stakeholders.yaml", '    name: "Media"\n', '\tname: "Media"\n',
     "scenarios/stakeholders.yaml:11: invalid YAML: found character '\\t' that cannot start any token; check indentation, colons and quotes near this line."),
    ("wrong-type", "scoring.yaml", "  safeguard_steps:\n    likelihood:\n      - {steps: 1, min_points: 2}\n", '  safeguard_steps:\n    likelihood:\n      - {steps: 1, min_points: "two"}\n',
     "scenarios/scoring.yaml:28: scoring.safeguard_steps.likelihood[0].min_points: expected a whole number, got the text 'two'."),
    ("decimal-number", "scoring.yaml", "    A1: {likelihood: 0, impact: 1}\n", "    A1: {likelihood: 0, impact: 1.5}\n",
     "scenarios/scoring.yaml:23: scoring.base.A1.impact: 1.5 is a decimal number; the method uses whole numbers only (quote it if it is text)."),
    ("missing-required-key", "matrix.yaml", '    summary: "What happens in beta."\n', "",
     "scenarios/matrix.yaml:28: scenarios[1]: missing required key 'summary'; add it."),
    ("unknown-key", "matrix.yaml", '    summary: "What happens in beta."\n', '    summary: "What happens in beta."\n    colour: "red"\n',
     "scenarios/matrix.yaml:32: scenarios[1].colour: unknown key 'colour'; expected one of: id, category, name, summary, signals, impacts, evidence."),
    ("empty-file", "stakeholders.yaml", None, "",
     "scenarios/stakeholders.yaml:1: the file is empty; expected a mapping of method keys."),
    ("key-in-two-files", "stakeholders.yaml", "cooperation_levels:\n", "categories: []\n\ncooperation_levels:\n",
     "scenarios/stakeholders.yaml:15: categories: key 'categories' is already defined in scenarios/matrix.yaml; each part of the method lives in one file."),
    ("duplicate-id", "matrix.yaml", '  - id: "B1"\n', '  - id: "A1"\n',
     "scenarios/matrix.yaml:28: scenarios[1].id: duplicate scenario id 'A1' (first used at index 0); ids must be unique."),
    ("dangling-scenario", "scoring.yaml", 'when: {scenarios: ["A1"], inherent_at_least', 'when: {scenarios: ["A9"], inherent_at_least',
     "scenarios/scoring.yaml:68: scoring.actions[0].when.scenarios[0]: unknown scenario 'A9'; expected one of: A1, B1."),
    ("dangling-stakeholder", "flowcharts.yaml", '        stakeholders: ["Gov", "Nac"]\n        next:\n', '        stakeholders: ["Gov", "Xyz"]\n        next:\n',
     "scenarios/flowcharts.yaml:11: flowcharts.foresight.steps[0].stakeholders[1]: unknown stakeholder 'Xyz'; expected one of: Gov, Med, Nac."),
    ("dangling-flowchart-step", "flowcharts.yaml", '          - to: "foresight-decide"\n', '          - to: "foresight-decided"\n',
     "scenarios/flowcharts.yaml:20: flowcharts.foresight.steps[1].next[0].to: step 'foresight-decided' is not in this flowchart; expected one of: foresight-scan, foresight-assess, foresight-decide."),
    ("dangling-impact", "questions.yaml", 'activates: ["A1-security"]', 'activates: ["A1-securty"]',
     f"scenarios/questions.yaml:66: {Q}[3].options[1].activates[0]: unknown impact 'A1-securty'; expected one of: A1-influence, A1-security, B1-loss."),
    ("grid-gap", "scoring.yaml", 'unlikely: {minor: "low", major: "medium"}', 'unlikely: {minor: "low"}',
     "scenarios/scoring.yaml:32: scoring.grid.unlikely: the grid has no cell for likelihood 'unlikely' x impact 'major'; map every cell once."),
    ("non-monotone-grid", "scoring.yaml", 'likely: {minor: "medium", major: "high"}', 'likely: {minor: "medium", major: "low"}',
     "scenarios/scoring.yaml:33: scoring.grid.likely.major: 'likely' x 'major' is 'low', lower than 'medium' at impact 'minor'; more impact may never lower the level."),
    ("threshold-not-rising", "scoring.yaml", '{id: "likely", label: "Likely", min_points: 3}', '{id: "likely", label: "Likely", min_points: 0}',
     "scenarios/scoring.yaml:16: scoring.likelihood.levels[1].min_points: likelihood level 'likely' starts at 0 points, not above 'unlikely' (0); thresholds must rise."),
    ("recommendation-not-rising", "scoring.yaml", '      description: "Go ahead with safeguards."\n      from_level: "medium"\n', '      description: "Go ahead with safeguards."\n      from_level: "low"\n',
     "scenarios/scoring.yaml:45: scoring.recommendations[1].from_level: recommendation 'careful' applies from 'low', not above 'low' of 'proceed'; recommendations go mildest first."),
    ("non-monotone-driver", "questions.yaml", '{value: "democracy", label: "Democracy"}', '{value: "democracy", label: "Democracy", likelihood: {A1: 6}}',
     f"scenarios/questions.yaml:49: {Q}[2].options[1].likelihood: option 'dont_know' gives A1 likelihood 3, less than the 6 of the option before it; options are listed from least to most risk, so points may not fall."),
    ("safeguard-with-likelihood", "questions.yaml", "reduce_likelihood: {A1: 2, B1: 2}", "likelihood: {A1: 2, B1: 2}",
     f"scenarios/questions.yaml:86: {Q}[4].options[2].likelihood: 'likelihood' is not allowed on a safeguard option; safeguards use reduce_likelihood and reduce_impact."),
    ("show-if-later-question", "questions.yaml", '      short: "Regime"\n', '      short: "Regime"\n      show_if: {question: "assets", in: ["port"]}\n',
     f"scenarios/questions.yaml:40: {Q}[2].show_if.question: question 'regime' depends on 'assets', which comes later; put the question it depends on first."),
    ("show-if-driver-not-top", "questions.yaml", '      short: "Assets"\n', '      short: "Assets"\n      show_if: {question: "regime", in: ["democracy"]}\n',
     f"scenarios/questions.yaml:59: {Q}[3].show_if.in: question 'assets' is shown for democracy of driver 'regime' but not for dont_know, autocracy; list every option from 'democracy' up, so a riskier answer never removes it."),
    ("rule-names-safeguard", "scoring.yaml", 'when: {answers: {unmanageable: ["A", "B"]}}', 'when: {answers: {sg_gov: ["yes"]}}',
     "scenarios/scoring.yaml:59: scoring.recommendation_rules[0].when.answers.sg_gov: a recommendation rule may only name driver questions, and 'sg_gov' is a safeguard; otherwise an answer could raise the recommendation against the method's order."),
    ("track-without-disengage", "flowcharts.yaml", '            kind: "disengage"\n            title: "Disengage"\n            summary: "End beta."\n', '            kind: "task"\n            title: "Disengage"\n            summary: "End beta."\n',
     "scenarios/flowcharts.yaml:62: flowcharts.management.tracks[1]: the management track of category 'B' has no final 'disengage' step; every track must end in disengagement."),
    ("country-id-mismatch", "countries/fr.yaml", 'id: "fr"\n', 'id: "fx"\n',
     "scenarios/countries/fr.yaml:1: countries[0].id: the profile's id must match its file name: expected 'fr', got 'fx'."),
    ("body-unknown-topic", "countries/us.yaml", 'topics: ["municipal-association"]', 'topics: ["municipal-association", "lobbying"]',
     "scenarios/countries/us.yaml:22: countries[1].roles.Nac.bodies[0].topics[1]: unknown topic 'lobbying'; expected one of: foreign-policy-advice, municipal-association."),
    ("body-bad-url", "countries/us.yaml", 'url: "https://www.state.gov"', 'url: "www.state.gov"',
     "scenarios/countries/us.yaml:11: countries[1].roles.Gov.bodies[0].url: expected an official web address starting with https:// and without spaces, got 'www.state.gov'."),
    ("body-bad-month", "countries/us.yaml", '        source: "general"\n        checked: "2026-01"', '        source: "general"\n        checked: "January 2026"',
     "scenarios/countries/us.yaml:25: countries[1].roles.Nac.bodies[0].checked: expected the month the fact was checked as YYYY-MM (for example 2026-11), got 'January 2026'."),
    ("body-duplicate-id", "countries/us.yaml", '- id: "nlc"', '- id: "sdu"',
     "scenarios/countries/us.yaml:20: countries[1].roles.Nac.bodies[0].id: duplicate body id 'sdu' (first used under role Gov); ids must be unique in a profile."),
    ("duty-without-deadline", "countries/fr.yaml", '    deadline: "within 30 days of signing"\n', "",
     "scenarios/countries/fr.yaml:16: countries[0].duties[0]: missing required key 'deadline'; add it."),
    ("action-unknown-topic", "scoring.yaml", '      stakeholders: ["Nac"]\n      topics: ["foreign-policy-advice", "municipal-association"]', '      stakeholders: ["Nac"]\n      topics: ["twinning"]',
     "scenarios/scoring.yaml:82: scoring.actions[2].topics[0]: unknown topic 'twinning'; expected one of: foreign-policy-advice, municipal-association."),
    # case files (scenarios/cases/): the same file:line lines, under their own header
    ("case-yaml-syntax", A_CASE, '  years: "2020-2023"\n', '  years: "2020-2023\n',
     "scenarios/cases/alpha-school-exchange.yaml:7: invalid YAML: expected <block end>, but found '<scalar>' (while parsing a block mapping on line 3); check indentation, colons and quotes near this line."),
    ("case-missing-key", A_CASE, "  known_before: >-\n    Both countries are democracies; no asset of the city was involved.\n", "",
     "scenarios/cases/alpha-school-exchange.yaml:2: case: missing required key 'known_before'; add it."),
    ("case-one-source", A_CASE, '    - {title: "Pupils visit Beta City", publisher: "Alpha Gazette", date: "2022-10-01", url: "https://example.org/gazette/visit?id=1&lang=en"}\n', "",
     "scenarios/cases/alpha-school-exchange.yaml:8: case.sources: expected at least 2 item(s), got 1."),
    ("case-id-mismatch", A_CASE, 'id: "alpha-school-exchange"', 'id: "alpha-school"',
     "scenarios/cases/alpha-school-exchange.yaml:3: case.id: the case id must match its file name: expected 'alpha-school-exchange', got 'alpha-school'."),
    ("case-bad-answer", A_CASE, 'regime: "democracy"', 'regime: "democrazy"',
     "scenarios/cases/alpha-school-exchange.yaml:21: case.assessment.answers.regime: not a valid assessment: question 'regime': 'democrazy' is not an option; allowed values: democracy, dont_know, autocracy."),
    ("case-screen-unanswered", A_CASE, '      regime: "democracy"\n', "",
     "scenarios/cases/alpha-school-exchange.yaml:15: case.assessment: a case must answer every screen question; missing: regime."),
    ("case-unknown-recommendation", B_CASE, 'expected: {lowest: "pause", highest: "pause"}', 'expected: {lowest: "paus", highest: "pause"}',
     "scenarios/cases/beta-port-deal.yaml:27: case.expected.lowest: unknown recommendation 'paus'; expected one of: proceed, careful, pause, stop."),
    ("case-band-upside-down", B_CASE, 'expected: {lowest: "careful", highest: "careful"}', 'expected: {lowest: "pause", highest: "careful"}',
     "scenarios/cases/beta-port-deal.yaml:33: case.after_safeguards.expected: the band runs from 'pause' to 'careful', which is upside down; 'lowest' is the milder one."),
    ("unreachable-scenario", "questions.yaml", "impact: {A1: 4, B1: 5}", "impact: {A1: 4, B1: 2}",
     "scenarios/matrix.yaml:28: scenarios[1]: scenario 'B1' cannot reach level 'high' with any answers (at most 'medium': likelihood 3, impact 2 points); raise its driver points or its base."),
]
