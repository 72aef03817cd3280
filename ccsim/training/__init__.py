"""Training exercises: a trainee steers a simulated day live, is scored, and is debriefed.

An exercise (:mod:`~ccsim.training.exercise`) is a scenario plus the levers a trainee may
pull (with limits, time-to-seat and cooldowns), scripted events they do not know of, goals
with a scoring rule, and a briefing and debrief. A session (:mod:`~ccsim.training.session`)
runs the day on :class:`ccsim.model.live.LiveCentre`, applies each decision at the simulated
instant it is made, and writes ``decisions.csv``, ``score.json`` and an ordinary results
folder; the same decisions replayed give the same score, bit for bit. The debrief
(:mod:`~ccsim.training.debrief`) runs the reference plan, the ``ccsim staff`` answer and the
Erlang-only plan on the same random callers. :mod:`~ccsim.training.server` serves the page
(``static/``) and the classroom.

Sits above the studies and the output layer (it writes results folders through
:mod:`ccsim.output`); only the command line (``ccsim train``) imports it.
"""
