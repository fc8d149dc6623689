using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boid.Eosio;

/// <summary>
/// An Antelope name: up to 13 characters packed into a 64-bit integer, 5 bits each for the first 12
/// (<c>.</c>, <c>1</c>–<c>5</c>, <c>a</c>–<c>z</c>) and 4 bits for the 13th (<c>.</c>, <c>1</c>–<c>5</c>, <c>a</c>–<c>j</c>).
/// Accounts, actions, tables and permissions are names. A name must be in normal form: no trailing dots.
/// </summary>
[JsonConverter(typeof(NameJsonConverter))]
public readonly record struct Name : IComparable<Name>
{
    private const string Charmap = ".12345abcdefghijklmnopqrstuvwxyz";

    /// <summary>Creates a name from its 64-bit encoding.</summary>
    /// <param name="value">The encoded value.</param>
    public Name(ulong value)
    {
        Value = value;
    }

    /// <summary>The 64-bit encoding (names sort by it).</summary>
    public ulong Value { get; }

    /// <summary>Parses and validates a name.</summary>
    /// <param name="text">The name, e.g. <c>clusterjobs</c>.</param>
    /// <returns>The name.</returns>
    /// <exception cref="AntelopeFormatException">The text breaks a name rule; the message says which.</exception>
    public static Name Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? error = TryEncode(text, out ulong value);
        return error is null ? new Name(value) : throw new AntelopeFormatException(error);
    }

    /// <summary>Tries to parse a name.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The name when valid.</param>
    /// <returns>Whether the text is a valid name.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Name name)
    {
        name = default;
        if (text is null || TryEncode(text, out ulong value) is not null)
        {
            return false;
        }

        name = new Name(value);
        return true;
    }

    /// <summary>Converts text to a name.</summary>
    /// <param name="text">The name text.</param>
    public static implicit operator Name(string text) => Parse(text);

    /// <summary>The text form, e.g. <c>eosio.token</c>.</summary>
    /// <returns>The name text.</returns>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[13];
        ulong tmp = Value;
        for (int i = 0; i <= 12; i++)
        {
            int index = i == 0 ? (int)(tmp & 0x0f) : (int)(tmp & 0x1f);
            chars[12 - i] = Charmap[index];
            tmp >>= i == 0 ? 4 : 5;
        }

        return new string(chars.TrimEnd('.'));
    }

    /// <inheritdoc/>
    public int CompareTo(Name other) => Value.CompareTo(other.Value);

    private static string? TryEncode(string text, out ulong value)
    {
        value = 0;
        if (text.Length > 13)
        {
            return $"Name '{text}' is too long: a name has at most 13 characters.";
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            ulong symbol;
            if (c == '.')
            {
                symbol = 0;
            }
            else if (c >= '1' && c <= '5')
            {
                symbol = (ulong)(c - '1' + 1);
            }
            else if (c >= 'a' && c <= 'z')
            {
                symbol = (ulong)(c - 'a' + 6);
            }
            else
            {
                return $"Name '{text}' has an invalid character '{c}' at position {i + 1}: names use only a-z, 1-5 and '.'.";
            }

            if (i < 12)
            {
                value |= (symbol & 0x1f) << (64 - (5 * (i + 1)));
            }
            else
            {
                if (symbol > 0x0f)
                {
                    return $"Name '{text}' has an invalid 13th character '{c}': the 13th character can only be a-j, 1-5 or '.'.";
                }

                value |= symbol;
            }
        }

        if (text.EndsWith('.'))
        {
            return $"Name '{text}' ends with '.': trailing dots are not allowed (a name must be in normal form).";
        }

        return null;
    }
}

/// <summary>System.Text.Json converter writing a <see cref="Name"/> as its text.</summary>
public sealed class NameJsonConverter : JsonConverter<Name>
{
    /// <inheritdoc/>
    public override Name Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Name.Parse(reader.GetString() ?? throw new JsonException("A name must be a JSON string."));

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Name value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
