using System.Globalization;
using System.Numerics;
using System.Text;

namespace Boid.Eosio;

/// <summary>A token symbol code: 1 to 7 upper-case letters, packed into 64 bits (first letter in the low byte).</summary>
public readonly record struct SymbolCode
{
    /// <summary>Creates a symbol code from its raw 64-bit value.</summary>
    /// <param name="value">The raw value.</param>
    public SymbolCode(ulong value)
    {
        Value = value;
    }

    /// <summary>The raw value.</summary>
    public ulong Value { get; }

    /// <summary>Parses a symbol code such as <c>EOS</c>.</summary>
    /// <param name="text">The code.</param>
    /// <returns>The code.</returns>
    /// <exception cref="AntelopeFormatException">Not 1–7 letters A–Z.</exception>
    public static SymbolCode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is < 1 or > 7)
        {
            throw new AntelopeFormatException($"Symbol code '{text}' must have 1 to 7 characters.");
        }

        foreach (char c in text)
        {
            if (c is < 'A' or > 'Z')
            {
                throw new AntelopeFormatException($"Symbol code '{text}' has an invalid character '{c}': only upper-case letters A-Z are allowed.");
            }
        }

        ulong value = 0;
        for (int i = text.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | text[i];
        }

        return new SymbolCode(value);
    }

    /// <summary>The code text.</summary>
    /// <returns>For example <c>EOS</c>.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder(7);
        ulong v = Value;
        while (v != 0)
        {
            sb.Append((char)(v & 0xff));
            v >>= 8;
        }

        return sb.ToString();
    }
}

/// <summary>A token symbol: a precision (decimal places, 0–18) and a code; text form <c>4,EOS</c>.</summary>
/// <param name="Precision">Decimal places.</param>
/// <param name="Code">The symbol code.</param>
public readonly record struct Symbol(byte Precision, SymbolCode Code)
{
    /// <summary>The largest precision Antelope allows.</summary>
    public const int MaxPrecision = 18;

    /// <summary>The raw 64-bit value: precision in the low byte, code above it.</summary>
    public ulong Value => (Code.Value << 8) | Precision;

    /// <summary>Creates a symbol from its raw 64-bit value.</summary>
    /// <param name="value">The raw value.</param>
    /// <returns>The symbol.</returns>
    /// <exception cref="AntelopeFormatException">Precision above 18 or an invalid code.</exception>
    public static Symbol FromValue(ulong value)
    {
        var symbol = new Symbol((byte)(value & 0xff), new SymbolCode(value >> 8));
        if (symbol.Precision > MaxPrecision)
        {
            throw new AntelopeFormatException($"Symbol precision {symbol.Precision} is above the maximum of {MaxPrecision}.");
        }

        _ = SymbolCode.Parse(symbol.Code.ToString());
        return symbol;
    }

    /// <summary>Parses <c>precision,CODE</c>, e.g. <c>4,EOS</c>.</summary>
    /// <param name="text">The symbol text.</param>
    /// <returns>The symbol.</returns>
    /// <exception cref="AntelopeFormatException">Malformed text; the message says what is wrong.</exception>
    public static Symbol Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma <= 0 || !byte.TryParse(text.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out byte precision))
        {
            throw new AntelopeFormatException($"Symbol '{text}' must be 'precision,CODE', e.g. '4,EOS'.");
        }

        if (precision > MaxPrecision)
        {
            throw new AntelopeFormatException($"Symbol '{text}' has precision {precision}, above the maximum of {MaxPrecision}.");
        }

        return new Symbol(precision, SymbolCode.Parse(text[(comma + 1)..]));
    }

    /// <summary>The text form.</summary>
    /// <returns>For example <c>4,EOS</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Precision},{Code}");
}

/// <summary>An amount of a token: a signed 64-bit count of the smallest units and a <see cref="Symbol"/>; text form <c>1.0000 EOS</c>.</summary>
/// <param name="Amount">The amount in smallest units (10^-precision).</param>
/// <param name="Symbol">The symbol.</param>
public readonly record struct Asset(long Amount, Symbol Symbol)
{
    /// <summary>The largest absolute amount Antelope allows: 2^62 − 1.</summary>
    public const long MaxAmount = (1L << 62) - 1;

    /// <summary>Parses <c>amount CODE</c>; the number of decimals sets the precision (<c>1.0000 EOS</c> → 4,EOS).</summary>
    /// <param name="text">The asset text.</param>
    /// <returns>The asset.</returns>
    /// <exception cref="AntelopeFormatException">Malformed text or amount out of range; the message says what is wrong.</exception>
    public static Asset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new AntelopeFormatException($"Asset '{text}' must be 'amount SYMBOL', e.g. '1.0000 EOS'.");
        }

        string amountText = trimmed[..space];
        SymbolCode code = SymbolCode.Parse(trimmed[(space + 1)..].Trim());
        bool negative = amountText.StartsWith('-');
        string digits = negative ? amountText[1..] : amountText;
        int dot = digits.IndexOf('.', StringComparison.Ordinal);
        string integerPart = dot < 0 ? digits : digits[..dot];
        string fractionPart = dot < 0 ? string.Empty : digits[(dot + 1)..];
        if (integerPart.Length == 0 || !integerPart.All(char.IsAsciiDigit) || !fractionPart.All(char.IsAsciiDigit) || (dot >= 0 && fractionPart.Length == 0))
        {
            throw new AntelopeFormatException($"Asset '{text}' has an invalid amount '{amountText}': expected digits with an optional '.' and decimals.");
        }

        if (fractionPart.Length > Symbol.MaxPrecision)
        {
            throw new AntelopeFormatException($"Asset '{text}' has {fractionPart.Length} decimals, above the maximum precision of {Symbol.MaxPrecision}.");
        }

        BigInteger amount = BigInteger.Parse(integerPart + fractionPart, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            amount = -amount;
        }

        if (BigInteger.Abs(amount) > MaxAmount)
        {
            throw new AntelopeFormatException($"Asset '{text}' is out of range: the amount must be within ±(2^62 - 1) smallest units.");
        }

        return new Asset((long)amount, new Symbol((byte)fractionPart.Length, code));
    }

    /// <summary>The text form with exactly <see cref="Symbol.Precision"/> decimals.</summary>
    /// <returns>For example <c>-0.0500 EOS</c>.</returns>
    public override string ToString()
    {
        BigInteger abs = BigInteger.Abs(Amount);
        string digits = abs.ToString(CultureInfo.InvariantCulture).PadLeft(Symbol.Precision + 1, '0');
        string number = Symbol.Precision == 0
            ? digits
            : digits[..^Symbol.Precision] + "." + digits[^Symbol.Precision..];
        return (Amount < 0 ? "-" : string.Empty) + number + " " + Symbol.Code;
    }
}
