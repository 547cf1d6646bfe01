package io.taskhive.system;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a process of its own by {@link TcpManyConnectionsTest}: opens the given number of TCP
 * connections, prints {@code OPEN n}, and holds them until its standard input closes. Keeping the
 * client ends out of the test JVM halves the descriptors that JVM needs.
 */
public final class IdleConnections {

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        List<Socket> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sockets.add(new Socket("127.0.0.1", port));
        }
        System.out.println("OPEN " + sockets.size());
        System.out.flush();
        while (System.in.read() != -1) {
            // hold until the parent closes our input
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
