"""The guided interview for direct procurements (`tendergen light`), usable from any front end.

`questions` defines the questions and their skip logic, `guardrails` the direct-award limit and storage
warnings (through `core.policy`), `profile` turns answers into a profile and its YAML text, and `run` asks
them through a callback, step by step, or from a full answers mapping.

May import `tendergen.core` and `tendergen.errors`; never `api` or `cli`.
"""

from tendergen.interview.guardrails import Limit
from tendergen.interview.profile import ProfileData, profile_data, profile_yaml
from tendergen.interview.questions import BY_ID, ORGANISATION, QUESTIONS, Answer, Answers, Question
from tendergen.interview.run import (
    BACK,
    Ask,
    Back,
    Context,
    Interview,
    Notify,
    Outcome,
    Prompt,
    Reply,
    from_answers,
    from_source,
    run,
)

__all__ = ["BACK", "BY_ID", "ORGANISATION", "QUESTIONS", "Answer", "Answers", "Ask", "Back", "Context", "Interview",
           "Limit", "Notify", "Outcome", "ProfileData", "Prompt", "Question", "Reply", "from_answers", "from_source",
           "profile_data", "profile_yaml", "run"]
