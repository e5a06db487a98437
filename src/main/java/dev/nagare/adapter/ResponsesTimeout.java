package dev.nagare.adapter;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A request to several clients or nodes ran out of time: the message says how (socket.io's own
 * texts, "operation has timed out" or "timeout reached: only X responses received out of Y"), and
 * {@link #responses()} holds what did arrive, as socket.io hands its callback the partial list.
 */
public final class ResponsesTimeout extends TimeoutException {
    private final transient List<Object> responses;

    public ResponsesTimeout(String message, List<Object> responses) {
        super(message);
        this.responses = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(responses));
    }

    public List<Object> responses() {
        return responses;
    }
}
