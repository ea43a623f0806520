using System.Net;
using System.Net.Sockets;

namespace Analytics.Tests.Aws;

/// <summary>HTTP servers of the tests on 127.0.0.1: a listener on a free port, and its requests one after another.</summary>
public static class Loopback
{
    /// <summary>Starts a listener on a free port of 127.0.0.1; returns its URL.</summary>
    public static Uri Start(HttpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        int port;
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            port = ((IPEndPoint)socket.LocalEndpoint).Port;
        }
        var url = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(url.ToString());
        listener.Start();
        return url;
    }

    /// <summary>Hands each request to <paramref name="handle"/> until the listener stops.</summary>
    public static async Task ServeAsync(HttpListener listener, Func<HttpListenerContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(handle);
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            await handle(context);
        }
    }
}
