using Mix.Invitations.Component;

ComponentOptions options;
try
{
    options = ComponentOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (FormatException ex)
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

var host = ComponentHost.Create(options, TimeProvider.System, Console.Error);
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
