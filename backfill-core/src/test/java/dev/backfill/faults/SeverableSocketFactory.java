package dev.backfill.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.SocketFactory;

/**
 * The PostgreSQL driver's sockets ({@code socketFactory} connection property), kept so
 * that a test can break one under the driver: both directions are shut down, so that its
 * next statement fails with the driver's own I/O error, SQLSTATE 08006 (a closed socket
 * would be seen as a closed connection, 08003), and the server reads the end of the
 * stream and ends the session as for a broken network.
 */
public final class SeverableSocketFactory extends SocketFactory {

	private static final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	/**
	 * Breaks the sockets bound to a local port: the live one, and any whose session the
	 * server ended before the port was taken again.
	 * @param localPort the port, as {@code pg_stat_activity.client_port} shows it
	 * @return whether this JVM had such a socket
	 */
	static boolean sever(int localPort) {
		sockets.removeIf(Socket::isClosed);
		boolean found = false;
		for (Socket socket : sockets) {
			if (socket.getLocalPort() == localPort) {
				try {
					socket.shutdownInput();
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					// broken it is
				}
				found = true;
			}
		}
		return found;
	}

	@Override
	public Socket createSocket() {
		Socket socket = new Socket();
		sockets.add(socket);
		return socket;
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return createSocket(InetAddress.getByName(host), port);
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return createSocket(InetAddress.getByName(host), port, localHost, localPort);
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		Socket socket = createSocket();
		socket.connect(new InetSocketAddress(host, port));
		return socket;
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		Socket socket = createSocket();
		socket.bind(new InetSocketAddress(localAddress, localPort));
		socket.connect(new InetSocketAddress(address, port));
		return socket;
	}

}
