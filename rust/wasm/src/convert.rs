//! Every conversion between JS values and Rust values, in one place.

use dorm_core::{DormError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A core result as a JS value; errors become the thrown `{ code, status, message }` object.
pub fn to_js<T: Serialize>(result: dorm_core::Result<T>) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match result {
        Ok(value) => value.serialize(&serializer).map_err(|e| e.into()),
        Err(error) => Err(error.serialize(&serializer).map_err(JsValue::from)?),
    }
}

/// Parses JSON text coming from JavaScript; malformed text is the caller's error.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| {
        let error = DormError::new(ErrorCode::InvalidArgument, format!("malformed JSON: {e}"));
        to_js::<()>(Err(error)).unwrap_err()
    })
}
