using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Mix.Invitations.Internal;

/// <summary>
/// Delivers <see cref="InvitationEvent"/>s to the sinks from a bounded queue, on one background reader. Raising never
/// blocks and never throws; a sink that throws or takes longer than the timeout is logged and the next event proceeds;
/// when the queue is full the new event is dropped, counted and logged.
/// </summary>
internal sealed class InvitationEventDispatcher : IDisposable
{
    /// <summary>How many events may wait for delivery before new ones are dropped.</summary>
    internal const int DefaultCapacity = 1024;

    /// <summary>How long one sink may take over one event.</summary>
    internal static readonly TimeSpan DefaultSinkTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(2);

    private readonly IInvitationEventSink[] _sinks;
    private readonly InvitationTelemetry _telemetry;
    private readonly TimeSpan _sinkTimeout;
    private readonly Channel<InvitationEvent> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _reader;
    private long _dropped;

    internal InvitationEventDispatcher(IInvitationEventSink[] sinks, InvitationTelemetry? telemetry, int capacity = DefaultCapacity, TimeSpan? sinkTimeout = null)
    {
        _sinks = sinks;
        _telemetry = telemetry ?? InvitationTelemetry.None;
        _sinkTimeout = sinkTimeout ?? DefaultSinkTimeout;
        _queue = Channel.CreateBounded<InvitationEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = false },
            OnDropped);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Gets how many events were dropped because the queue was full.</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>A dispatcher for the sinks, or <see langword="null"/> when there is none (then nothing is allocated per operation).</summary>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="sinks"/> holds <see langword="null"/>.</exception>
    internal static InvitationEventDispatcher? Create(IEnumerable<IInvitationEventSink>? sinks, InvitationTelemetry? telemetry)
    {
        var all = sinks?.ToArray() ?? [];
        foreach (var sink in all)
        {
            ArgumentNullException.ThrowIfNull(sink, nameof(sinks));
        }

        return all.Length == 0 ? null : new InvitationEventDispatcher(all, telemetry);
    }

    /// <summary>Queues an event; never blocks, never throws. After disposal the event is discarded.</summary>
    internal void Raise(InvitationEvent invitationEvent) => _queue.Writer.TryWrite(invitationEvent);

    /// <summary>Stops accepting events, lets the queued ones be delivered for a short while, then cancels the rest.</summary>
    public void Dispose()
    {
        if (!_queue.Writer.TryComplete())
        {
            return;
        }

        if (!_reader.Wait(DisposeWait))
        {
            _stopping.Cancel();
            _reader.Wait(DisposeWait);
        }

        if (_reader.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    private void OnDropped(InvitationEvent invitationEvent)
    {
        Interlocked.Increment(ref _dropped);
        _telemetry.EventDropped(invitationEvent.Kind.ToString());
    }

    private async Task ReadAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var invitationEvent))
            {
                foreach (var sink in _sinks)
                {
                    await DeliverAsync(sink, invitationEvent).ConfigureAwait(false);
                }
            }
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A sink never changes an outcome: whatever it throws is logged.")]
    private async Task DeliverAsync(IInvitationEventSink sink, InvitationEvent invitationEvent)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_sinkTimeout);
        try
        {
            // On the pool, so a sink that blocks before its first await does not hold the reader; abandoned on timeout,
            // so one that ignores its token does not either.
            await Task.Run(() => sink.OnEventAsync(invitationEvent, timeout.Token).AsTask(), CancellationToken.None)
                .WaitAsync(timeout.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            _telemetry.EventSinkTimedOut(sink.GetType().Name, invitationEvent.Kind.ToString());
        }
        catch (Exception ex)
        {
            _telemetry.EventSinkFailed(sink.GetType().Name, invitationEvent.Kind.ToString(), ex);
        }
    }
}
