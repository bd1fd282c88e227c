//! Enums stored and sent as short snake_case codes, with one list of all values for forms.

/// Declares a `Copy` enum with `ALL`, `as_str`, `parse` and serde as its snake_case code.
#[macro_export]
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Parses a form value, refusing unknown codes as a malformed `field`.
            pub fn parse_field(field: &str, code: &str) -> Result<Self, $crate::input::Invalid> {
                Self::parse(code.trim())
                    .ok_or_else(|| $crate::input::Invalid::new(field, $crate::input::Problem::Malformed))
            }
        }
    };
}
