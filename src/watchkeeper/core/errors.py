from __future__ import annotations


class PolicyRefusal(Exception):
    """The policy forbids what was asked. Each problem names its clause, e.g. '7.1: no approved DPIA …'."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
