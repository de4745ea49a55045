// Shared by the consumer projects' verify.groovy, which set `modular` first. Runs the project's Board as a user
// would, from its jar and panama-shm's: one JVM stores a text and holds the block, a second one reads it. Then
// checks that the README's recipe test really ran (a Surefire older than 2.22 runs no JUnit 5 test and still
// reports success) and that no JVM warned about native access.
import groovy.xml.XmlSlurper

def windows = System.getProperty('os.name').startsWith('Windows')
def java = new File(System.getProperty('java.home'), windows ? 'bin/java.exe' : 'bin/java').path
def jars = [new File(basedir, 'target/board.jar').path, panamaShmJar].join(File.pathSeparator)
def board = modular
        ? [java, '--enable-native-access=io.github.panamashm', '-p', jars, '-m', 'com.example.board/com.example.board.Board']
        : [java, '--enable-native-access=ALL-UNNAMED', '-cp', jars, 'com.example.board.Board']
def name = 'board-it-' + UUID.randomUUID()
def text = 'Hello from the writer'

def writer = new ProcessBuilder(board + [name, text]).start()
def writerErr = new StringBuffer()
writer.consumeProcessErrorStream(writerErr)
try {
    def writerOut = new BufferedReader(new InputStreamReader(writer.inputStream, 'UTF-8'))
    assert writerOut.readLine() == 'stored; press Enter to detach' : writerErr
    def reader = new ProcessBuilder(board + [name]).start()
    def readerOut = new StringBuffer()
    def readerErr = new StringBuffer()
    reader.waitForProcessOutput(readerOut, readerErr)
    assert reader.exitValue() == 0 : readerErr
    assert readerOut.toString().trim() == text
    assert readerErr.length() == 0 : 'the reader warned: ' + readerErr
    writer.outputStream.withWriter { it.write('\n') }
    assert writer.waitFor() == 0 : writerErr
    assert writerErr.length() == 0 : 'the writer warned: ' + writerErr
} finally {
    writer.destroyForcibly()
}
if (new File('/dev/shm').isDirectory()) {
    assert !new File('/dev/shm', name).exists() : 'the last one out did not free ' + name
}

def reports = ['target/surefire-reports'] + (modular ? ['target/failsafe-reports'] : [])
reports.each { dir ->
    def report = new File(basedir, dir + '/TEST-com.example.board.BlockSharingTest.xml')
    assert report.isFile() : 'the recipe test did not run: no ' + report
    def suite = new XmlSlurper().parse(report)
    assert [suite.@tests, suite.@failures, suite.@errors, suite.@skipped]*.toString() == ['1', '0', '0', '0'] : report.text
    def modulePath = suite.properties.property.find { it.@name == 'jdk.module.path' }?.@value?.toString()
    assert (modulePath?.contains('panama-shm') ?: false) == (dir == 'target/failsafe-reports') : "module path in $dir: $modulePath"
}
def log = new File(basedir, 'build.log').text
assert !log.contains('restricted method') : 'a test JVM warned about native access'
return true
