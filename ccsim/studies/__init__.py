"""Studies: questions answered with several experiments — compare scenarios on common random
numbers, sweep a grid of overrides, and search for the staffing that meets targets
(``ccsim.studies.staffing``).

May import everything below it (scenario, model, measures, analytic, experiment); never the
output layer or the command line: a study returns values, and ``ccsim.output`` writes them.
"""
