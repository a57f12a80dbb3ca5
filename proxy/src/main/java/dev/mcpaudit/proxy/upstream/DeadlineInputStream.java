package dev.mcpaudit.proxy.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * An answer's body that stops at the call's deadline. The socket's read timeout only bounds each
 * silence, so a body trickling a byte at a time would otherwise keep a call alive past
 * {@code --tool-timeout}; every read checks the deadline first.
 */
final class DeadlineInputStream extends FilterInputStream {
    private final long deadline;

    /** @param deadline a {@link System#nanoTime()} value */
    DeadlineInputStream(InputStream in, long deadline) {
        super(in);
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        checkDeadline();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkDeadline();
        return super.read(b, off, len);
    }

    private void checkDeadline() throws SocketTimeoutException {
        if (System.nanoTime() - deadline >= 0) {
            throw new SocketTimeoutException("the deadline passed while upstream was still sending its answer");
        }
    }
}
