"""Assessment documents with the register's keys, shared by the engine tests of the register work."""

# A partnership whose result is "Pause and consult" (overall level critical).
PAUSE = {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
         "national_relations": "good", "activities": ["investment"], "investment_proposal": "proposed",
         "strategic_assets": ["port"], "visibility": "high", "rights_record": "no", "sg_gov": "planned"}

FULL = {
    "format": "crossroads-assessment",
    "method_version": "2.0.0",
    "id": "v-2026-01",
    "saved_at": "2026-01-31T10:00:00Z",
    "partnership": {"id": "p-2026-4f3a9c", "name": "Harbour twinning", "partner": "Port City", "country": "Lusitania",
                    "date": "2026-01-20"},
    "answers": PAUSE,
    "notes": {"stage": "Signed a letter of intent."},
    "decision": {"assessed_by": "International office", "decided_by": {"name": "A. Mayor", "role": "Mayor"}, "date": "2026-01-31",
                 "decision": "engage_with_conditions", "conditions": "Exit clause first.", "reason": "The council wants the port.",
                 "next_review": "2026-04-30"},
    "plan": [{"action": "pause-and-consult", "owner": "Head of office", "due": "2026-02-15", "status": "in_progress"},
             {"action": "keep-monitoring", "owner": "", "due": "", "status": "open"}],
}
