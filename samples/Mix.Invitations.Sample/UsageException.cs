namespace Mix.Invitations.Sample;

/// <summary>Bad usage or input: reported as one line, exit code 2. The message never holds a key or a token.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
