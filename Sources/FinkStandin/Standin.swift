public enum Standin {}
