"""Full screens of the interface: the main screen and help; labs, plan, stats, links come later."""
