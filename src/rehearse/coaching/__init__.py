"""Stage 5, the coach: practice situations (briefs, targets, question banks), who the user is, and
the scorecard judging their figures against the targets."""
