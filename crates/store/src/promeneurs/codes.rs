//! The verification codes printed on a promeneur's card.

use rand::Rng;

/// A new, unguessable verification code such as "7KX4-9QPM" (no 0/O, 1/I/L).
pub fn new_verification_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut code = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    code
}

/// Normalises a code as typed ("7kx4 9qpm", "7KX49QPM") to its stored form.
pub fn normalise_code(input: &str) -> Option<String> {
    let chars: Vec<char> = input
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (chars.len() == 8).then(|| {
        let (a, b) = chars.split_at(4);
        format!(
            "{}-{}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    })
}
