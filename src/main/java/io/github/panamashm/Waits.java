package io.github.panamashm;

import io.github.panamashm.internal.LatchedText;
import io.github.panamashm.internal.TextSync;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the threads of one {@link SharedString} wait for its version to change.
 *
 * <ul>
 *   <li>A <b>platform thread</b> sleeps in the OS wait itself ({@link TextSync#await}: {@code FUTEX_WAIT} on
 *       Linux), the shortest path from a writer's wake to the waiter. It sleeps in slices of at most
 *       {@value #SLICE_MILLIS} ms and holds the block meanwhile, so {@code close()} cannot unmap it under the
 *       OS wait; between slices it looks at its interrupt status and the deadline ({@code Thread.interrupt()}
 *       does not reach into a native call), and {@code close()} wakes it at once.</li>
 *   <li>A <b>virtual thread</b> never enters the OS wait, which would pin its carrier thread for as long as it
 *       sleeps: it parks on a {@link Condition}, which unmounts it. One platform thread per {@code SharedString}
 *       that has virtual waiters, the watcher, sleeps in the OS wait for all of them and signals them whenever
 *       the version moved. It is started by the first virtual waiter and ends with {@code close()}.</li>
 * </ul>
 * Either way the shared {@code waiters} count says how many threads sleep in the OS, so a set that nobody
 * waits for makes no system call (see {@link LatchedText}).
 */
final class Waits {
    /** The longest single OS wait: the worst delay before a platform waiter sees an interrupt. */
    static final long SLICE_MILLIS = 100;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS);

    private final SharedMemory memory;
    private final TextSync sync;
    /** Threads of this object inside the OS wait, holding the block: close must wake them. */
    private final AtomicInteger sleeping = new AtomicInteger();

    /** Guards the fields below; the watcher signals {@link #changed} with it held, waiters check with it held. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition idle = lock.newCondition();
    /** Virtual threads waiting for the watcher. */
    private int parked;
    private Thread watcher;
    private boolean closing;
    /** What ended the watcher, for its waiters; null while it runs. */
    private RuntimeException watcherFailure;

    Waits(SharedMemory memory, TextSync sync) {
        this.memory = memory;
        this.sync = sync;
        memory.onClosing(this::wakeForClose);
    }

    /**
     * {@return the block's text once its version is not {@code seen}, or null when {@code nanos} passed first}
     *
     * @throws InterruptedException  when the thread is interrupted while it waits
     * @throws IllegalStateException when the block is or gets closed
     */
    SharedString.Snapshot await(long seen, long nanos) throws InterruptedException {
        return Thread.currentThread().isVirtual() ? awaitParked(seen, nanos) : awaitInOs(seen, nanos);
    }

    private SharedString.Snapshot awaitInOs(long seen, long nanos) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            MemorySegment block = memory.acquire();
            try {
                long seq = LatchedText.seq(block);
                if (LatchedText.version(seq) != seen) {
                    return LatchedText.readVersioned(block);
                }
                long left = nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return null;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                sleeping.incrementAndGet();
                try {
                    LatchedText.await(block, sync, seq, Math.min(left, SLICE_NANOS));
                } finally {
                    sleeping.decrementAndGet();
                }
            } finally {
                memory.release();
            }
        }
    }

    private SharedString.Snapshot awaitParked(long seen, long nanos) throws InterruptedException {
        long start = System.nanoTime();
        lock.lock();
        try {
            parked++;
            if (watcher == null) {
                watcher = Thread.ofPlatform().daemon().name("panama-shm watcher " + memory.name()).start(this::watch);
            }
            idle.signal();
            while (true) {
                if (watcherFailure != null) {
                    throw watcherFailure;
                }
                SharedString.Snapshot now = changedSince(seen);
                if (now != null) {
                    return now;
                }
                long left = nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(left);
            }
        } finally {
            parked--;
            lock.unlock();
        }
    }

    /** {@return the text when its version is not {@code seen}, else null} */
    private SharedString.Snapshot changedSince(long seen) {
        MemorySegment block = memory.acquire();
        try {
            return LatchedText.version(LatchedText.seq(block)) != seen ? LatchedText.readVersioned(block) : null;
        } finally {
            memory.release();
        }
    }

    /** The watcher: sleeps in the OS while virtual threads wait, and signals them when the version moved. */
    private void watch() {
        long signalled = -1;
        try {
            while (true) {
                lock.lock();
                try {
                    while (parked == 0 && !closing) {
                        idle.awaitUninterruptibly();
                    }
                    if (closing) {
                        changed.signalAll(); // its waiters find the block closed
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                MemorySegment block = memory.acquire(); // IllegalStateException once closed: the end
                try {
                    long seq = LatchedText.seq(block);
                    // Signal after reading the seq this round sleeps on: a waiter that checked before the
                    // signal is woken to check again, one that checks after it sees this seq or a later one.
                    if (LatchedText.version(seq) != signalled) {
                        signalled = LatchedText.version(seq);
                        signalAll();
                    }
                    sleeping.incrementAndGet();
                    try {
                        LatchedText.await(block, sync, seq, SLICE_NANOS);
                    } finally {
                        sleeping.decrementAndGet();
                    }
                } finally {
                    memory.release();
                }
            }
        } catch (RuntimeException e) {
            lock.lock();
            try {
                watcherFailure = e instanceof IllegalStateException ? null : e; // closed: acquire tells the waiters
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void signalAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by close() with the mapping, after new acquires fail: wakes whoever sleeps in the OS (the watcher
     * among them, which then signals its virtual threads as it ends) and an idle watcher.
     */
    private void wakeForClose(MemorySegment block) {
        if (sleeping.get() > 0) {
            sync.wakeAll(block); // wakes the other processes' waiters too: they look and sleep again
        }
        lock.lock();
        try {
            closing = true;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
