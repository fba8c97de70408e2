"""Rate limiters: fixed one-minute windows, in process and shared through Redis."""

import logging
import threading
from collections.abc import Callable, Iterator

import pytest
import redis
from ulid import ULID

from connectors_service.ratelimit import (
    InProcessRateLimiter,
    RateLimiter,
    RateState,
    RedisRateLimiter,
    create_rate_limiter,
)
from connectors_service.settings import Settings
from tests.support.redis_server import find_or_start

# An address nothing listens on, for the fail-open behaviour.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
# A window boundary: 1_700_000_040 = 60 * 28_333_334.
WINDOW_START = 1_700_000_040.0


class FakeClock:
    """A settable wall clock."""

    def __init__(self, now: float = WINDOW_START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


MakeLimiter = Callable[..., RateLimiter]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis server that answers: REDIS_URL's, the standard port's, or one started here."""
    with find_or_start() as url:
        if url is None:
            pytest.skip("no Redis server: set REDIS_URL or install redis-server (Debian package)")
        yield url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A prefix no other test uses; its keys are deleted afterwards."""
    prefix = f"connectors-test:{ULID()}:"
    client = redis.Redis.from_url(redis_url)
    client.ping()
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["in_process", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> Iterator[MakeLimiter]:
    """Build limiters of one kind; Redis ones share a fresh prefix."""
    made: list[RedisRateLimiter] = []

    def make(limit: int, clock: Callable[[], float]) -> RateLimiter:
        if request.param == "in_process":
            return InProcessRateLimiter(limit, clock=clock)
        prefix: str = request.getfixturevalue("redis_prefix")
        url: str = request.getfixturevalue("redis_url")
        limiter = RedisRateLimiter(url, limit, clock=clock, prefix=prefix)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        limiter.close()


def test_hit_refuses_when_limit_is_reached_within_a_window(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(3, FakeClock(WINDOW_START + 10))

    states = [limiter.hit("org_a") for _ in range(5)]

    assert [state.allowed for state in states] == [True, True, True, False, False]
    assert [state.remaining for state in states] == [2, 1, 0, 0, 0]
    assert {state.limit for state in states} == {3}


def test_hit_allows_again_when_next_window_starts(make_limiter: MakeLimiter) -> None:
    clock = FakeClock(WINDOW_START + 59.9)
    limiter = make_limiter(2, clock)
    for _ in range(3):
        limiter.hit("org_a")

    clock.now = WINDOW_START + 60

    assert limiter.hit("org_a") == RateState(limit=2, remaining=1, reset_seconds=60, allowed=True)


def test_keys_are_counted_apart_when_they_differ(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(1, FakeClock())
    limiter.hit("org_a")

    assert limiter.hit("org_a").allowed is False
    assert limiter.hit("org_b").allowed is True


@pytest.mark.parametrize(
    ("offset", "reset"), [(0.0, 60), (0.001, 60), (0.999, 60), (1.0, 59), (30.5, 30), (59.999, 1)]
)
def test_reset_counts_whole_seconds_left_in_the_window_when_rounded_up(
    make_limiter: MakeLimiter, offset: float, reset: int
) -> None:
    limiter = make_limiter(5, FakeClock(WINDOW_START + offset))

    assert limiter.hit("org_a").reset_seconds == reset
    assert limiter.peek("org_a").reset_seconds == reset


def test_peek_does_not_count_when_called(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(2, FakeClock())

    assert limiter.peek("org_a") == RateState(limit=2, remaining=2, reset_seconds=60, allowed=True)
    limiter.hit("org_a")
    limiter.hit("org_a")
    assert limiter.peek("org_a") == RateState(limit=2, remaining=0, reset_seconds=60, allowed=False)
    assert limiter.peek("org_a").remaining == 0


def test_headers_and_retry_after_describe_the_state_when_refused() -> None:
    state = RateState(limit=600, remaining=0, reset_seconds=17, allowed=False)

    assert state.headers() == {
        "X-RateLimit-Limit": "600",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "17",
    }
    assert state.retry_after == 17


def test_retry_after_is_zero_when_allowed() -> None:
    assert RateState(limit=1, remaining=0, reset_seconds=5, allowed=True).retry_after == 0


def test_in_process_limiter_counts_every_hit_when_threads_race() -> None:
    limiter = InProcessRateLimiter(1000, clock=FakeClock())
    barrier = threading.Barrier(8)

    def hammer() -> None:
        barrier.wait()
        for _ in range(100):
            limiter.hit("org_a")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert limiter.peek("org_a").remaining == 200


def test_in_process_limiter_forgets_old_windows_when_a_new_one_starts() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(5, clock=clock)
    for number in range(100):
        limiter.hit(f"org_{number}")

    clock.now += 60
    limiter.hit("org_new")

    # Memory is the point here, and nothing public shows it.
    assert len(limiter._counts) == 1


def test_redis_limiters_share_one_count_when_they_use_one_prefix(
    redis_url: str, redis_prefix: str
) -> None:
    clock = FakeClock()
    first = RedisRateLimiter(redis_url, 3, clock=clock, prefix=redis_prefix)
    second = RedisRateLimiter(redis_url, 3, clock=clock, prefix=redis_prefix)

    states = [first.hit("org_a"), second.hit("org_a"), first.hit("org_a"), second.hit("org_a")]

    assert [state.remaining for state in states] == [2, 1, 0, 0]
    assert states[-1].allowed is False
    assert first.peek("org_a") == second.peek("org_a")
    first.close()
    second.close()


def test_redis_keys_expire_when_their_window_is_over(redis_url: str, redis_prefix: str) -> None:
    limiter = RedisRateLimiter(
        redis_url, 3, clock=FakeClock(WINDOW_START + 45), prefix=redis_prefix
    )
    limiter.hit("org_a")
    client = redis.Redis.from_url(redis_url)

    (key,) = client.scan_iter(match=f"{redis_prefix}*")
    assert key.decode() == f"{redis_prefix}org_a:{int(WINDOW_START) // 60}"
    assert 15 < client.ttl(key) <= 15 + 60
    client.close()
    limiter.close()


def test_redis_limiter_allows_and_warns_once_when_redis_is_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(DEAD_REDIS_URL, 1, clock=clock)

    with caplog.at_level(logging.WARNING, logger="connectors_service.ratelimit"):
        states = [limiter.hit("org_a") for _ in range(3)]
        clock.now += 10  # past the back-off: Redis is tried again and still fails
        states.append(limiter.hit("org_a"))
        states.append(limiter.peek("org_a"))

    assert all(state.allowed and state.remaining == 1 for state in states)
    assert len(caplog.records) == 1
    assert "Redis" in caplog.records[0].getMessage()
    limiter.close()


def test_create_rate_limiter_picks_redis_when_url_is_set(redis_url: str) -> None:
    limiter = create_rate_limiter(Settings(redis_url=redis_url, rate_limit_per_minute=7))

    assert isinstance(limiter, RedisRateLimiter)
    assert limiter.peek(f"unused-{ULID()}").limit == 7
    limiter.close()


def test_create_rate_limiter_counts_in_process_when_no_url_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CONNECTORS_REDIS_URL", raising=False)

    limiter = create_rate_limiter(Settings(rate_limit_per_minute=7))

    assert isinstance(limiter, InProcessRateLimiter)
    assert limiter.peek("org_a").limit == 7


def test_settings_read_redis_url_when_env_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2@cache:6379/1")

    settings = Settings()

    assert settings.redis_url == "redis://:hunter2@cache:6379/1"
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    "build",
    # The check comes before any connection, so the URL need not answer.
    [lambda: InProcessRateLimiter(0), lambda: RedisRateLimiter(DEAD_REDIS_URL, 0)],
    ids=["in_process", "redis"],
)
def test_limiter_raises_when_limit_is_not_positive(build: Callable[[], RateLimiter]) -> None:
    with pytest.raises(ValueError, match="limit_per_minute"):
        build()
