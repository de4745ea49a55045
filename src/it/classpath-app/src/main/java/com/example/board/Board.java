package com.example.board;

import io.github.panamashm.SharedString;

/** Board NAME TEXT stores TEXT and keeps the block until Enter; Board NAME, run meanwhile, prints it. */
public class Board {
    public static void main(String[] args) throws Exception {
        String name = args[0];                                          // a name of your own
        if (args.length > 1) {
            try (SharedString board = SharedString.create(name)) {      // refused if another process holds it
                board.set(args[1]);
                System.out.println("stored; press Enter to detach");
                System.in.read();                                       // the block lives while we hold it
            }
        } else {
            try (SharedString board = SharedString.openExisting(name)) { // refused if nobody holds it
                System.out.println(board.get());
            }
        }
    }
}
