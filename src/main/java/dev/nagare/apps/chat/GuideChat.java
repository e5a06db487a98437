package dev.nagare.apps.chat;

import dev.nagare.auth.Principal;
import dev.nagare.auth.socketio.SocketIoGuard;
import dev.nagare.socketio.Namespace;

/**
 * The guide's own chat protocol on the default namespace: a {@code message} event (what
 * {@code socket.send(text)} emits) goes to everyone there, sender included, as Flask-SocketIO's
 * {@code send(msg, broadcast=True)} does, but only to those with the right {@code join:chat/guide}. Unlike the guide, the text is checked and cleaned, posting
 * needs the publish right and each user's rate is limited. Nothing is stored: this is the guide's
 * protocol, kept for its page at {@code /seed/chat}; {@code /chat} is the real chat.
 */
final class GuideChat {
    static final String RESOURCE = "chat/guide";
    private static final String ROOM = "nagare:chat/guide";

    private GuideChat() {
    }

    static void install(Namespace root, UserRates rates, int maxLength) {
        root.onConnection(socket -> {
            Principal reader = SocketIoGuard.principal(socket);
            if (reader != null && reader.may("join", RESOURCE)) {
                socket.join(ROOM); // only readers get the messages: a token for feeds does not
            }
        });
        root.onConnection(socket -> socket.on("message", (args, ack) -> {
            Principal p = SocketIoGuard.principal(socket);
            String user = p == null ? "?" : p.username();
            try {
                if (p == null || !p.may("publish", RESOURCE)) {
                    throw new ChatRefusal("forbidden", "Not allowed: sending needs the right publish:" + RESOURCE + ".");
                }
                rates.take(user);
                String text = ChatInput.text(args.isEmpty() ? null : args.get(0), maxLength);
                root.to(ROOM).emit("message", text);
            } catch (ChatRefusal r) {
                ChatRefusal.answer(socket, user, "message", ack, r);
            }
        }));
    }
}
