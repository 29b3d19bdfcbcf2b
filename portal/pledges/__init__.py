"""Social Value Charter pledges: targets, progress reports, status and £ social value."""
