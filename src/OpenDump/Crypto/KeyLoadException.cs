namespace OpenDump.Crypto;

/// <summary>A key file that cannot be used; the message says why in words a user can act on.</summary>
public sealed class KeyLoadException(string message, Exception? inner = null) : Exception(message, inner);
