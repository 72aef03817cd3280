"""Named distributions: each knows its mean, and its samples have that mean and spread."""

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from ccsim.model.streams import RandomStreams
from ccsim.scenario.distributions import Distribution

ADAPTER = TypeAdapter(Distribution)
N = 400_000


@pytest.mark.parametrize(
    ("spec", "cv"),
    [
        ({"distribution": "exponential", "mean": "3min"}, 1.0),
        ({"distribution": "lognormal", "mean": 240, "cv": 0.8}, 0.8),
        ({"distribution": "gamma", "mean": 100, "cv": 0.5}, 0.5),
        ({"distribution": "deterministic", "value": "30s"}, 0.0),
        ({"distribution": "uniform", "low": 10, "high": 30}, (20 / np.sqrt(12)) / 20),
        ({"distribution": "empirical", "values": [10, 20, 60], "weights": [1, 2, 1]}, None),
    ],
)
def test_samples_match_the_declared_mean_and_cv(spec, cv):
    distribution = ADAPTER.validate_python(spec)
    samples = distribution.draw(np.random.default_rng(7), N)
    mean = distribution.mean
    # Standard error of the sample mean is sd/sqrt(N); 5 standard errors is decisive.
    sd = samples.std()
    assert abs(samples.mean() - mean) <= 5 * sd / np.sqrt(N) + 1e-9
    if cv is not None:
        assert sd / mean == pytest.approx(cv, rel=0.02, abs=1e-9)


def test_weibull_mean_and_shape():
    distribution = ADAPTER.validate_python({"distribution": "weibull", "mean": 100, "shape": 2.0})
    samples = distribution.draw(np.random.default_rng(3), N)
    assert samples.mean() == pytest.approx(100, rel=0.01)
    # For shape 2 the cv is sqrt(4/pi - 1) = 0.5227 (Rayleigh).
    assert samples.std() / samples.mean() == pytest.approx(np.sqrt(4 / np.pi - 1), rel=0.02)


def test_empirical_mean_is_weighted():
    distribution = ADAPTER.validate_python(
        {"distribution": "empirical", "values": [10, 20, 60], "weights": [1, 2, 1]}
    )
    assert distribution.mean == pytest.approx((10 + 40 + 60) / 4)


@pytest.mark.parametrize(
    "spec",
    [
        {"distribution": "exponential", "mean": 0},
        {"distribution": "lognormal", "mean": 10},
        {"distribution": "gamma", "mean": 10, "cv": -1},
        {"distribution": "uniform", "low": 30, "high": 10},
        {"distribution": "empirical", "values": [1, 2], "weights": [1]},
        {"distribution": "exponential", "mean": 10, "sd": 3},
        {"distribution": "pareto", "mean": 10},
    ],
)
def test_invalid_distributions_are_rejected(spec):
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(spec)


def test_batch_sampler_hands_out_the_same_numbers_as_one_draw():
    distribution = ADAPTER.validate_python({"distribution": "exponential", "mean": 5})
    sampler = distribution.sampler(np.random.default_rng(11))
    one_by_one = [sampler() for _ in range(10_000)]
    rng = np.random.default_rng(11)
    batches = np.concatenate([distribution.draw(rng, 4096) for _ in range(3)])[:10_000]
    assert np.allclose(one_by_one, batches)


def test_streams_are_stable_per_name_and_independent_of_order():
    a = RandomStreams(seed=5, replication=2)
    b = RandomStreams(seed=5, replication=2)
    b.generator("patience/voice")  # asked for first: must not change the others
    assert a.generator("arrivals/voice").random() == b.generator("arrivals/voice").random()
    c = RandomStreams(seed=5, replication=3)
    assert a.generator("handle/voice").random() != c.generator("handle/voice").random()
    assert (
        RandomStreams(5, 0).generator("x").random() != RandomStreams(5, 0).generator("y").random()
    )


# -- the maths each distribution owns: cv, scaling, scipy view, tail probabilities ----------

ALL_FAMILIES = [
    {"distribution": "exponential", "mean": 180},
    {"distribution": "lognormal", "mean": 240, "cv": 0.8},
    {"distribution": "gamma", "mean": 100, "cv": 0.5},
    {"distribution": "weibull", "mean": 300, "shape": 0.7},
    {"distribution": "uniform", "low": 10, "high": 30},
    {"distribution": "deterministic", "value": 30},
    {"distribution": "empirical", "values": [10, 20, 60], "weights": [1, 2, 1]},
]


@pytest.mark.parametrize("spec", ALL_FAMILIES[:5], ids=lambda s: s["distribution"])
def test_scipy_view_has_the_declared_mean_and_cv(spec):
    d = ADAPTER.validate_python(spec)
    view = d.scipy()
    assert view.mean() == pytest.approx(d.mean, rel=1e-9)
    assert view.std() / view.mean() == pytest.approx(d.cv, rel=1e-9)


@pytest.mark.parametrize("spec", ALL_FAMILIES, ids=lambda s: s["distribution"])
def test_scaling_multiplies_the_mean_and_keeps_the_cv(spec):
    d = ADAPTER.validate_python(spec)
    longer = d.scaled(1.5)
    assert type(longer) is type(d)
    assert longer.mean == pytest.approx(1.5 * d.mean)
    assert longer.cv == pytest.approx(d.cv)
    assert d.mean == ADAPTER.validate_python(spec).mean  # the original is unchanged
    with pytest.raises(ValueError):
        d.scaled(0)


@pytest.mark.parametrize("spec", ALL_FAMILIES, ids=lambda s: s["distribution"])
def test_tail_probability_matches_the_samples(spec):
    d = ADAPTER.validate_python(spec)
    samples = d.draw(np.random.default_rng(3), 200_000)
    t = np.array([0.0, 15.0, 25.0, d.mean, 3 * d.mean])
    empirical = (samples[:, None] > t).mean(axis=0)
    np.testing.assert_allclose(d.sf(t), empirical, atol=0.005)


def test_conversions_from_textbook_parameters_round_trip():
    from ccsim.scenario.distributions import Gamma, LogNormal, Weibull

    lognormal = LogNormal.from_log(4.2, 0.7)
    assert (lognormal.mu, lognormal.sigma) == pytest.approx((4.2, 0.7))
    weibull = Weibull.from_scale(0.8, 123.0)
    assert (weibull.shape, weibull.scale) == pytest.approx((0.8, 123.0))
    gamma = Gamma.from_shape_scale(2.5, 40.0)
    assert (gamma.shape, gamma.scale) == pytest.approx((2.5, 40.0))


def test_families_without_a_scipy_view_say_so():
    with pytest.raises(ValueError, match="no scipy"):
        ADAPTER.validate_python({"distribution": "deterministic", "value": 30}).scipy()
