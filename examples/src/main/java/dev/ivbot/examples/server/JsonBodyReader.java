package dev.ivbot.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request's JSON body with a {@link ReadListener}, so that no thread waits while its bytes
 * arrive: a client that trickles its body costs a connection, not one of Jetty's threads (with
 * blocking reads, 230 such clients hung the server for everyone).
 *
 * <p>Before reading, the {@code Content-Type} must be JSON ({@link Http#requireJsonContentType}, 415).
 * Then three limits bound a body, each answered with a JSON 4xx and {@code Connection: close}:
 * <ul>
 *   <li>the whole body must have arrived within {@link ServerConfig#bodyTimeout()} of the read's
 *       start (408 {@code request_timeout}, "did not arrive within");</li>
 *   <li>from its first byte on it must arrive at {@link ServerConfig#minBodyRate()} bytes/s or
 *       faster on average, checked at each chunk, which ends a trickle at its second chunk rather
 *       than at the deadline (408, "slower than");</li>
 *   <li>at most {@link Http#MAX_BODY_BYTES} (413, before reading when {@code Content-Length} says so).</li>
 * </ul>
 * A silent connection is also ended by the connector's idle timeout, which is longer.
 *
 * <p>The rate is checked here, the way Jetty's servlet layer did it, rather than by Jetty: in 12.1
 * {@code HttpConfiguration.setMinRequestDataRate} is deprecated for removal, and its replacement
 * {@code MinimumDataRateHandler} (12.1.14) divides the bytes read by <em>all</em> requests by one
 * request's age, so a trickle would pass unnoticed behind other users' traffic.
 *
 * <p>Thread-safe: one instance serves every request; each read keeps its own state.
 */
final class JsonBodyReader {
    private final Scheduler scheduler;
    private final Duration deadline;
    private final long minRate;

    /**
     * @param scheduler where the deadline waits: Jetty's, so that it stops with the server
     * @param minRate bytes per second from the first byte on; 0 for no check
     */
    JsonBodyReader(Scheduler scheduler, Duration deadline, long minRate) {
        this.scheduler = scheduler;
        this.deadline = deadline;
        this.minRate = minRate;
    }

    /**
     * The body's bytes, when every one of them has arrived already: read at once on the calling
     * thread, which cannot wait since nothing is left to wait for. A chat body is a few dozen bytes
     * that come with the headers, and the asynchronous read (a listener, a deadline task, a second
     * dispatch) cost about as much CPU as the turn itself in the HTTP benchmark. Empty when the body
     * has not all arrived, has no declared length, or is over {@link Http#MAX_BODY_BYTES}: then
     * {@link #read} takes it, with every limit. The caller parses the bytes
     * ({@link Http#parseJsonObject}); the body has been read either way, so a 400 for them can keep
     * the connection.
     *
     * @throws ApiException 415 for a body not declared as JSON (before any byte is read)
     */
    Optional<byte[]> bodyIfArrived(HttpServletRequest request) throws IOException {
        Http.requireJsonContentType(request.getContentType());
        long declared = request.getContentLengthLong();
        if (declared <= 0 || declared > Http.MAX_BODY_BYTES) {
            return Optional.empty();
        }
        ServletInputStream in = request.getInputStream();
        if (in.available() < declared) {
            return Optional.empty();
        }
        return Optional.of(in.readNBytes((int) declared));
    }

    /**
     * Starts reading the body of {@code async}'s request. The result completes on a container
     * thread, with the body as a JSON object or with an {@link ApiException} to answer; the caller
     * writes the response and completes {@code async} either way.
     */
    CompletableFuture<JsonNode> read(AsyncContext async) {
        HttpServletRequest request = (HttpServletRequest) async.getRequest();
        Read read = new Read(async);
        try {
            Http.requireJsonContentType(request.getContentType());
            if (request.getContentLengthLong() > Http.MAX_BODY_BYTES) {
                throw Http.tooLarge();
            }
            read.start(request.getInputStream());
        } catch (ApiException e) {
            read.refuse(e);
        } catch (IOException | RuntimeException e) {
            read.refuse(new ApiException(400, "bad_request", "the body could not be read"));
        }
        return read.result;
    }

    private final class Read implements ReadListener {
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        private final AsyncContext async;
        private final ByteArrayOutputStream body;
        /**
         * Sized by the declared length: a chat body is a few dozen bytes, and a 4 KiB buffer per
         * request was the largest allocation on the chat path (the HTTP benchmark's JFR profile).
         */
        private final byte[] buffer;
        /** Set by whichever ends the read first: the last byte, a refusal, an error or the deadline. */
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Scheduler.@Nullable Task timer;
        private volatile @Nullable ServletInputStream in;
        /** When the first body byte was read; ReadListener callbacks do not overlap, so plain fields do. */
        private long firstByteNanos;
        private boolean anyByte;

        Read(AsyncContext async) {
            this.async = async;
            long declared = ((HttpServletRequest) async.getRequest()).getContentLengthLong();
            int size = declared > 0 ? (int) Math.min(declared, 4096) : 1024;
            this.buffer = new byte[size];
            this.body = new ByteArrayOutputStream(size);
        }

        void start(ServletInputStream input) {
            this.in = input;
            timer = scheduler.schedule(this::deadlinePassed, deadline.toMillis(), TimeUnit.MILLISECONDS);
            input.setReadListener(this);
        }

        @Override
        public void onDataAvailable() {
            ServletInputStream input = Objects.requireNonNull(in, "in");
            try {
                while (!ended.get() && input.isReady()) {
                    int n = input.read(buffer);
                    if (n < 0) {
                        return; // onAllDataRead follows
                    }
                    if (body.size() + n > Http.MAX_BODY_BYTES) {
                        refuse(Http.tooLarge());
                        return;
                    }
                    body.write(buffer, 0, n);
                    if (tooSlow()) {
                        refuse(new ApiException(408, "request_timeout", "the body arrived slower than " + minRate
                                + " bytes/s"));
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                refuse(readFailure(e));
            }
        }

        /** Below the minimum average rate since the first byte, counting what just arrived. */
        private boolean tooSlow() {
            long now = System.nanoTime();
            if (!anyByte) {
                anyByte = true;
                firstByteNanos = now;
                return false;
            }
            long elapsedMillis = (now - firstByteNanos) / 1_000_000;
            return minRate > 0 && body.size() < minRate * elapsedMillis / 1000;
        }

        @Override
        public void onAllDataRead() {
            if (end()) {
                try {
                    result.complete(Http.parseJsonObject(body.toByteArray()));
                } catch (RuntimeException e) {
                    // an ApiException for the client; anything else still ends the request (a 500)
                    result.completeExceptionally(e);
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            refuse(readFailure(error));
        }

        /** On the scheduler's thread: hands the 408 to a container thread, where responses are written. */
        private void deadlinePassed() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            ApiException late = new ApiException(408, "request_timeout",
                    "the body did not arrive within " + deadline.toMillis() + " ms");
            try {
                async.start(() -> failUnread(late));
            } catch (IllegalStateException e) {
                failUnread(late); // the request is over already (the server is stopping); nobody writes
            }
        }

        void refuse(ApiException e) {
            if (end()) {
                failUnread(e);
            }
        }

        private boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
            return true;
        }

        /** The rest of the body stays unread, so the connection cannot carry another request. */
        private void failUnread(ApiException e) {
            try {
                ((HttpServletResponse) async.getResponse()).setHeader("Connection", "close");
            } catch (RuntimeException ignored) {
                // the response is gone; the result still says why
            }
            result.completeExceptionally(e);
        }

        private ApiException readFailure(Throwable e) {
            // the connector's idle timeout, as onError or as a failed read
            if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException
                    || (e instanceof HttpException h && h.getCode() == 408)) {
                return new ApiException(408, "request_timeout", "the body stopped arriving");
            }
            return new ApiException(400, "bad_request", "the body could not be read");
        }
    }
}
