modular = false
evaluate(new File(itSources, "board.groovy"))
