// panama-shm workbench: the public API and the FFM types its segments use.
// bin/jdk22 jshell --class-path target/classes -R--enable-native-access=ALL-UNNAMED --startup DEFAULT --startup jshell/panama-shm.jsh
import io.github.panamashm.*;
import java.lang.foreign.*;
import static java.lang.foreign.ValueLayout.*;
