"""Treatment strategies: policies that map clinical observations to dose decisions."""

from oncoresist.strategy.base import Decision, Observation, Policy, PolicyState
from oncoresist.strategy.policies import (
    POLICIES,
    Adaptive,
    Combination,
    Continuous,
    CtdnaGuided,
    DoseReduction,
    Intermittent,
    Sequential,
)

__all__ = [
    "POLICIES",
    "Adaptive",
    "Combination",
    "Continuous",
    "CtdnaGuided",
    "Decision",
    "DoseReduction",
    "Intermittent",
    "Observation",
    "Policy",
    "PolicyState",
    "Sequential",
]
