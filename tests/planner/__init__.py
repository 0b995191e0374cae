"""Tests of the study plan: the scheduler, the items left and the plan service."""
