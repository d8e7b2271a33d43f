"""Stage 3, who spoke when: diarizers, the voice encoder and voice prints, turn building, and scoring
against a reference (DER)."""
