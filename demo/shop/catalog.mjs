// The two demo shops: what they sell, at what price, in which category. The backend prices every
// order from here (never from the browser), and the loyalty rules match on these categories.

export const SHOPS = {
  cafe: {
    id: 'cafe',
    name: 'Café Tostado',
    tagline: 'Specialty coffee & pastries · Barranco, Lima',
    tagline_es: 'Café de especialidad y pastelería · Barranco, Lima',
    currency: 'PEN',
    locale: 'es-PE',
    program: 'cafe.json',
    shipping_minor: 0,
    theme: 'cafe',
    products: [
      { sku: 'espresso', name: 'Espresso', name_es: 'Espresso', category: 'coffee', price: 700, art: 'cup', color: '#6b3f2a', note: 'Double shot, Cusco beans', note_es: 'Doble, granos de Cusco' },
      { sku: 'latte', name: 'Caffè latte', name_es: 'Café latte', category: 'coffee', price: 1100, art: 'latte', color: '#b07a4f', note: 'Silky milk, 12 oz', note_es: 'Leche cremosa, 12 oz' },
      { sku: 'flat-white', name: 'Flat white', name_es: 'Flat white', category: 'coffee', price: 1200, art: 'latte', color: '#8d5a3b', note: 'Ristretto + microfoam', note_es: 'Ristretto y microespuma' },
      { sku: 'cold-brew', name: 'Cold brew', name_es: 'Cold brew', category: 'coffee', price: 1300, art: 'cold', color: '#3f2a1e', note: '18-hour steep, on ice', note_es: '18 horas de infusión, con hielo' },
      { sku: 'croissant', name: 'Butter croissant', name_es: 'Croissant de mantequilla', category: 'pastries', price: 800, art: 'croissant', color: '#d99a3d', note: 'Baked every morning', note_es: 'Horneado cada mañana' },
      { sku: 'alfajor', name: 'Alfajor de manjar', name_es: 'Alfajor de manjar', category: 'pastries', price: 650, art: 'cookie', color: '#e4b77a', note: 'Dulce de leche, powdered sugar', note_es: 'Manjar blanco y azúcar' },
      { sku: 'cheesecake', name: 'Lúcuma cheesecake', name_es: 'Cheesecake de lúcuma', category: 'pastries', price: 1400, art: 'cake', color: '#e8a44a', note: 'A slice of the house classic', note_es: 'Una tajada del clásico de la casa' },
      { sku: 'empanadita', name: 'Beef empanadita', name_es: 'Empanadita de carne', category: 'appetizers', price: 450, art: 'empanada', color: '#c9803a', note: 'Small bite, oven-baked', note_es: 'Bocadito al horno' },
      { sku: 'yuca-bites', name: 'Yuca bites', name_es: 'Bocaditos de yuca', category: 'appetizers', price: 500, art: 'bites', color: '#e0c068', note: 'With huancaína dip', note_es: 'Con salsa huancaína' },
      { sku: 'beans-250', name: 'Beans to take home, 250 g', name_es: 'Café en grano, 250 g', category: 'retail', price: 3800, art: 'bag', color: '#4d6b4a', note: 'Single origin, Chanchamayo', note_es: 'Origen único, Chanchamayo' },
    ],
  },
  fashion: {
    id: 'fashion',
    name: 'Atelier',
    tagline: 'Shoes & outerwear, made to last · New York',
    tagline_es: 'Calzado y abrigos hechos para durar · Nueva York',
    currency: 'USD',
    locale: 'en-US',
    program: 'fashion.json',
    shipping_minor: 800,
    theme: 'fashion',
    products: [
      { sku: 'sneaker-white', name: 'Court sneaker', name_es: 'Zapatilla Court', category: 'shoes', price: 8999, art: 'sneaker', color: '#e9e4dc', note: 'Italian leather, white', note_es: 'Cuero italiano, blanco' },
      { sku: 'chelsea-boot', name: 'Chelsea boot', name_es: 'Botín Chelsea', category: 'shoes', price: 18900, art: 'boot', color: '#6d4c3d', note: 'Suede, chestnut', note_es: 'Gamuza, castaño' },
      { sku: 'loafer', name: 'Penny loafer', name_es: 'Mocasín', category: 'shoes', price: 14500, art: 'loafer', color: '#2f2b2a', note: 'Polished black leather', note_es: 'Cuero negro pulido' },
      { sku: 'trench', name: 'Trench coat', name_es: 'Gabardina', category: 'coats', price: 32000, art: 'coat', color: '#c7a878', note: 'Water-repellent cotton', note_es: 'Algodón repelente al agua' },
      { sku: 'wool-coat', name: 'Wool overcoat', name_es: 'Abrigo de lana', category: 'coats', price: 42000, art: 'coat', color: '#3d4a5c', note: 'Double-faced merino', note_es: 'Merino doble faz' },
      { sku: 'puffer', name: 'Light puffer', name_es: 'Chaqueta acolchada', category: 'coats', price: 21000, art: 'puffer', color: '#7a8f6a', note: 'Recycled down, packable', note_es: 'Plumón reciclado, plegable' },
      { sku: 'socks', name: 'Merino socks, 3 pairs', name_es: 'Calcetines de merino, 3 pares', category: 'accessories', price: 3200, art: 'socks', color: '#a85d4f', note: 'Soft, warm, durable', note_es: 'Suaves, abrigadores, durables' },
      { sku: 'gift-card-100', name: 'Gift card $100', name_es: 'Tarjeta de regalo $100', category: 'gift-cards', price: 10000, art: 'giftcard', color: '#1f1f1f', note: 'Earns no points', note_es: 'No acumula puntos' },
    ],
  },
};

export function product(shop, sku) {
  return SHOPS[shop]?.products.find((p) => p.sku === sku) ?? null;
}

// Builds the engine's cart from [{sku, quantity}] with the catalogue's prices.
export function buildCart(shop, items, at) {
  const s = SHOPS[shop];
  const lines = [];
  for (const it of items ?? []) {
    const p = product(shop, it.sku);
    const q = Math.floor(Number(it.quantity));
    if (!p || !(q >= 1 && q <= 99)) continue;
    lines.push({ sku: p.sku, name: p.name, category: p.category, unit_price_minor: p.price, quantity: q });
  }
  const cart = { currency: s.currency, lines, shipping_minor: lines.length ? s.shipping_minor : 0 };
  if (at) cart.at = at;
  return cart;
}
