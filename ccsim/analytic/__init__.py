"""Analytic queueing figures: Erlang B, C and A, exact birth-death chains, and the figures
a planner would have computed beside each simulated result.

Owns the closed-form and numerical steady-state formulas. May import the foundations
(``ccsim.units``, ``ccsim.errors``, ``ccsim.jsonable``) and ``ccsim.scenario``; never the
model, measures or anything above them: a formula does not need a simulation.
"""
