modular = true
evaluate(new File(itSources, "board.groovy"))
