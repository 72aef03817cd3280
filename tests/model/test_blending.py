"""Pre-emptive blending: calls interrupt email, the agent resumes it after.

Theory (99.9 % confidence intervals): when calls pre-empt email, email is invisible to the
calls, so voice is an M/M/c queue on its own (Erlang C) whatever the email load. With one
agent the two classes form an M/M/1 pre-emptive-resume priority queue, whose low-priority
response time is known in closed form (e.g. Kleinrock, *Queueing Systems* vol. 2, §3.7):

    T₂ = E[S] / (1 − ρ₁) + R / ((1 − ρ₁)(1 − ρ₁ − ρ₂)),  R = Σᵢ λᵢ E[Sᵢ²] / 2.

The records are also checked rule by rule: the agent's time is counted once, pauses lie
inside the item, an item's handle time is its work, not the time it was parked.
"""

import numpy as np
import pytest
from theory_support import assert_covers, exponential, run, steady_state

import ccsim
from ccsim.analytic.erlang import analyse
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import ANSWERED

AHT = 300.0


def blended(
    agents: int, voice_per_hour: float, email_per_hour: float, interrupt: bool, days=4, seed=11
) -> ccsim.Scenario:
    types = {
        "voice": {"arrivals": {"rate_per_hour": voice_per_hour}, "handle_time": exponential(AHT)},
        "email": {
            "channel": "email",
            "arrivals": {"rate_per_hour": email_per_hour},
            "handle_time": exponential(AHT),
            "service_level": {"threshold": "1h"},
        },
    }
    pools = {
        "agents": {
            "serves": {"voice": 1, "email": 2},
            "staffing": agents,
            "interrupt_deferrable": interrupt,
        }
    }
    return steady_state(types, pools, days, seed)


def email_time_in_system(records: ccsim.ContactRecords) -> float:
    email = (records.contact_type == 1) & (records.outcome == ANSWERED)
    email &= records.arrival >= 3600.0  # after the warm-up
    return float(np.mean(records.ended[email] - records.arrival[email]))


@pytest.mark.slow
def test_calls_that_interrupt_email_see_erlang_c():
    """Voice ASA with three blended agents = Erlang C for the voice load alone."""
    scenario = blended(agents=3, voice_per_hour=18, email_per_hour=12, interrupt=True, days=20)
    result = run(scenario, replications=40)
    theory = analyse(arrival_rate=18 / 3600, aht=AHT, agents=3, threshold=20)
    assert_covers(result.by_type("asa"), theory.asa, "voice ASA", rel=0.12)
    assert_covers(result.by_type("service_level"), theory.service_level, "voice SL", absolute=0.02)
    # The agents' time is counted once: occupancy = total offered load / agents.
    assert_covers(
        result.by_pool("occupancy", "agents"),
        (18 + 12) * AHT / 3600 / 3,
        "occupancy",
        absolute=0.02,
    )


@pytest.mark.slow
def test_interrupted_email_response_matches_preemptive_resume_priority():
    lam1, lam2 = 0.4 / AHT, 0.3 / AHT  # ρ₁ = 0.4, ρ₂ = 0.3, one agent
    rho1, rho = 0.4, 0.7
    second_moment = 2 * AHT**2
    residual = (lam1 + lam2) * second_moment / 2
    theory = AHT / (1 - rho1) + residual / ((1 - rho1) * (1 - rho))
    scenario = blended(1, lam1 * 3600, lam2 * 3600, interrupt=True, days=10)
    result = run(scenario, replications=30, record_statistics={"email_time": email_time_in_system})
    assert_covers(result.from_records["email_time"], theory, "email time in system", rel=0.1)
    # Voice alone: M/M/1 wait ρ₁ E[S] / (1 - ρ₁).
    assert_covers(result.by_type("asa"), rho1 * AHT / (1 - rho1), "voice ASA", rel=0.1)
    # An item's handle time is its work, not the time it sat parked.
    assert_covers(result.by_type("aht", "email"), AHT, "email AHT", rel=0.05)


def test_interruptions_follow_the_rules_contact_by_contact():
    scenario = blended(2, 14, 10, interrupt=True, days=2)
    records = ccsim.simulate(scenario, replication=0)
    pauses = records.pauses
    assert len(pauses) > 100
    email = pauses.contact
    # Only email is interrupted, and each pause lies within the item's time with an agent.
    assert np.all(records.contact_type[email] == 1)
    assert np.all(records.answered[email] <= pauses.start)
    assert np.all(pauses.end <= records.ended[email])
    # Work plus pauses is the whole span from first answer to the end.
    parked = np.bincount(email, weights=pauses.end - pauses.start, minlength=len(records))
    span = records.ended - records.answered
    interrupted = np.unique(email)
    np.testing.assert_allclose(
        span[interrupted], records.handle[interrupted] + parked[interrupted], atol=1e-6
    )
    # While an item is parked its agent is on calls, back to back: every pause is covered by
    # that agent's calls with no gap.
    voice = records.contact_type == 0
    for item, start, end in zip(
        pauses.contact[:200], pauses.start[:200], pauses.end[:200], strict=True
    ):
        agent = records.agent[item]
        calls = (
            voice & (records.agent == agent) & (records.answered < end) & (records.ended > start)
        )
        spans = sorted(zip(records.answered[calls], records.ended[calls], strict=True))
        assert spans[0][0] == pytest.approx(start)
        assert spans[-1][1] == pytest.approx(end)
        for (_, previous_end), (next_start, _) in zip(spans, spans[1:], strict=False):
            assert next_start == pytest.approx(previous_end)
    # The contacts file shows how often each item was interrupted.
    frame = records.to_frame()
    assert frame["interruptions"].sum() == len(pauses)
    # Agent time by channel leaves the parked time out: email busy hours = email work.
    by_channel = measure(records, scenario).by_channel
    email_work = records.handle[(records.contact_type == 1) & (records.outcome == ANSWERED)]
    warm = records.answered[(records.contact_type == 1) & (records.outcome == ANSWERED)] >= 3600
    assert by_channel["email"]["busy_hours"] == pytest.approx(
        email_work[warm].sum() / 3600, rel=0.01
    )


def test_without_interruption_calls_wait_for_the_item_in_hand():
    scenario = blended(2, 14, 10, interrupt=False, days=1)
    records = ccsim.simulate(scenario, replication=0)
    assert records.pauses is None
    assert "interruptions" not in records.to_frame()


def test_interruption_needs_one_contact_at_a_time():
    spec = {
        "contact_types": {
            "voice": {"arrivals": {"rate_per_hour": 5}, "handle_time": exponential(AHT)}
        },
        "pools": {
            "p": {
                "serves": ["voice"],
                "staffing": 2,
                "max_concurrency": 3,
                "interrupt_deferrable": True,
            }
        },
    }
    with pytest.raises(ScenarioError, match="interrupt_deferrable"):
        ccsim.load_scenario(spec)
