module com.example.board {
    requires io.github.panamashm;
}
