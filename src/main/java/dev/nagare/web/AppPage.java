package dev.nagare.web;

/**
 * One page a module serves to people (not an API or a stream): where it is, what the navigation bar
 * calls it, and whether a guest can use it. The server, not the module, decides who may open it
 * (see {@code server/AppPages}), so every page follows the same login rule.
 *
 * @param path    the page's path, e.g. {@code /chat}
 * @param title   its name in the navigation bar, e.g. {@code Chat}
 * @param forGuests whether what the page does works without a login (read-only guests, {@code --guests}):
 *                false for pages whose streams or actions always need an account (video, audio, publishing)
 */
public record AppPage(String path, String title, boolean forGuests) {
}
