"""The step search of capacity.py against routers faked by their capacity (no sipp, no Kamailio).

    python3 -B -m unittest test_capacity      (from tests/e2e; ctest e2e/capacity_search)
"""

import unittest

from capacity import max_sustained_rate, sustained


def step_result(offered, calls_per_second, failed=0, sipp_exit=0):
    calls = offered * 4
    return {"offered_calls_per_second": offered, "calls_per_second": calls_per_second,
            "calls": calls, "answered": calls - failed, "failed": failed, "sipp_exit": sipp_exit,
            "retransmissions": 0}


class FakeRouter:
    """Keeps up with any rate up to `capacity` calls/s; above it, falls behind (80 % of the
    offered rate), and loses `failed_above` calls."""

    def __init__(self, capacity, failed_above=0):
        self.capacity, self.failed_above, self.offered = capacity, failed_above, []

    def __call__(self, rate):
        self.offered.append(rate)
        if rate <= self.capacity:
            return step_result(rate, rate * 0.99)
        sipp_exit = 1 if self.failed_above else 0
        return step_result(rate, rate * 0.8, self.failed_above, sipp_exit)


def search(router, **kwargs):
    return max_sustained_rate(router, settle=0, say=lambda _: None, **kwargs)


class MaxSustainedRate(unittest.TestCase):
    def test_doubles_then_halves_the_gap_down_to_the_highest_rate_sustained(self):
        router = FakeRouter(capacity=1300)
        found = search(router, first_rate=250, refine=4)
        self.assertEqual(router.offered, [250, 500, 1000, 2000, 1500, 1250, 1375, 1312])
        self.assertEqual(found["best"]["offered_calls_per_second"], 1250)
        self.assertEqual(found["lowest_not_sustained"]["offered_calls_per_second"], 1312)
        self.assertEqual([s["sustained"] for s in found["steps"]],
                         [True, True, True, False, False, True, False, False])

    def test_a_router_that_fails_the_first_step_has_no_best_rate(self):
        found = search(FakeRouter(capacity=50, failed_above=3), first_rate=250, refine=2)
        self.assertIsNone(found["best"])
        self.assertEqual(found["lowest_not_sustained"]["offered_calls_per_second"], 62)
        self.assertEqual(found["lowest_not_sustained"]["failed"], 3)
        self.assertEqual([s["offered"] for s in found["steps"]], [250, 125, 62])

    def test_a_router_faster_than_the_largest_rate_offered_has_no_failed_step(self):
        router = FakeRouter(capacity=10**6)
        found = search(router, first_rate=250, max_rate=1000)
        self.assertEqual(router.offered, [250, 500, 1000])
        self.assertIsNone(found["lowest_not_sustained"])
        self.assertEqual(found["best"]["offered_calls_per_second"], 1000)

    def test_stops_refining_when_the_gap_is_below_two_percent(self):
        router = FakeRouter(capacity=1010)
        found = search(router, first_rate=1000, refine=8)
        # 1000 ok, 2000 not, then 1500, 1250, 1125, 1062, 1031 not: the next step, 1015, would
        # be less than 2 % above 1000, so it is not run
        self.assertEqual(router.offered, [1000, 2000, 1500, 1250, 1125, 1062, 1031])
        self.assertEqual(found["best"]["offered_calls_per_second"], 1000)


class Sustained(unittest.TestCase):
    def test_one_failed_call_is_not_sustained_even_at_the_offered_rate(self):
        self.assertFalse(sustained(step_result(500, 500.0, failed=1)))

    def test_falling_behind_the_offered_rate_by_more_than_five_percent_is_not_sustained(self):
        self.assertTrue(sustained(step_result(1000, 950.0)))
        self.assertFalse(sustained(step_result(1000, 949.0)))

    def test_a_caller_that_exited_with_an_error_is_not_sustained(self):
        self.assertFalse(sustained(step_result(500, 500.0, sipp_exit=1)))


if __name__ == "__main__":
    unittest.main()
