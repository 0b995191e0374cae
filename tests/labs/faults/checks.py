"""Checks for the runner's fault fixtures: one function, ``double(x)``, checked twice."""

from studyplan.labs.expect import call, check, expect_close


@check("double doubles a number")
def doubles(lab):
    expect_close(call(lab, "double", 2.0), 4.0, "double(2.0)")


@check("double doubles an array")
def doubles_array(lab):
    import numpy as np

    expect_close(call(lab, "double", np.arange(3.0)), np.arange(3.0) * 2, "double([0, 1, 2])")
