using Mix.Invitations.Component;

ComponentHost host;
try
{
    var options = ComponentOptions.Parse(args, Environment.GetEnvironmentVariable);
    host = ComponentHost.Create(options, TimeProvider.System, Console.Error);
}
catch (Exception ex) when (ex is FormatException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"{ex.Message}\n\n{ComponentOptions.Usage}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await host.RunAsync(stop.Token);
    return 0;
}
catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
{
    await Console.Error.WriteLineAsync($"component: {ex.Message}");
    return 1;
}
