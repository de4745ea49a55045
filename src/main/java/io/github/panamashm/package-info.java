/**
 * Named blocks of memory shared between processes, Java or native.
 *
 * <ul>
 *   <li>{@link io.github.panamashm.SharedMemory}: a block of bytes, attached with
 *       {@link io.github.panamashm.SharedMemory#openOrCreate(String, long) openOrCreate} (create it or attach),
 *       {@link io.github.panamashm.SharedMemory#create(String, long) create} (refuse a block some process
 *       holds) or {@link io.github.panamashm.SharedMemory#openExisting(String) openExisting} (attach only).</li>
 *   <li>{@link io.github.panamashm.SharedString}: a 4096-byte block holding a NUL-terminated UTF-16LE string,
 *       byte-compatible with Microsoft's shared-memory DLL example.</li>
 *   <li>{@link io.github.panamashm.SharedMem}: that DLL's {@code SetSharedMem} and {@code GetSharedMem}.</li>
 * </ul>
 *
 * <p>Failures of the OS are {@link io.github.panamashm.SharedMemoryException}s naming the call, the object and
 * the error; a missing block is a {@link io.github.panamashm.NoSuchSharedMemoryException} (a
 * {@link java.nio.file.NoSuchFileException}), a live block where a new one was asked for a
 * {@link io.github.panamashm.SharedMemoryAlreadyExistsException} (a
 * {@link java.nio.file.FileAlreadyExistsException}). Bad arguments are {@link IllegalArgumentException}s,
 * thrown before any system call.
 *
 * <pre>{@code
 * try (SharedMemory block = SharedMemory.openOrCreate("com.example.jobs", 1 << 20)) {
 *     block.segment().set(ValueLayout.JAVA_LONG, 0, 42L);   // seen at once by every process attached
 * }
 * }</pre>
 */
package io.github.panamashm;
