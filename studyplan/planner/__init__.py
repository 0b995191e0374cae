"""The study plan: the learner's pace, the schedule built from it, statistics and exports."""
