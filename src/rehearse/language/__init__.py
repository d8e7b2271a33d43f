"""What French and English speech looks like to the analyzers: word lists (backchannels, fillers,
common words) and the grammar of questions. A new language starts here."""
