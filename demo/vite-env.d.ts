// Types of the modules Vite plugins make up: `virtual:pwa-register` (vite-plugin-pwa).
/// <reference types="vite-plugin-pwa/vanillajs" />
